declare module '*.lua?raw' {
  const source: string;
  export default source;
}
