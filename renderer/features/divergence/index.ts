export { DivergencePanel } from './DivergencePanel';
export { DivergencePanel as DivergencePage } from './DivergencePanel';
