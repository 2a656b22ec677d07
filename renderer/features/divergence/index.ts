export { DivergencePanel } from './DivergencePanel';
export { DivergencePage } from './DivergencePage';
