/** Stands in until the divergence check and repair panel lands. */
export function DivergencePanel() {
  return null;
}

export function DivergencePage() {
  return null;
}
