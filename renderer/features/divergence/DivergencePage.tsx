import { DivergencePanel } from './DivergencePanel';

/** The "Divergence" screen: the divergence tools on their own, framed like every other screen. */
export function DivergencePage() {
  return (
    <div className="screen divergence-page">
      <h1 className="screen-title">Divergence</h1>
      <DivergencePanel />
    </div>
  );
}
