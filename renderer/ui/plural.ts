/** "1 job", "2 jobs", "1,204 fixes": a count with its noun in the right number. */
export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString()} ${n === 1 ? one : many}`;
