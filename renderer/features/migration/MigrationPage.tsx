import { DivergencePanel } from '../divergence';
import { FlagSwitch } from './FlagSwitch';
import './migration.css';

export function MigrationPage() {
  return (
    <div className="page migration-page">
      <h1 className="page-title">Migration</h1>
      <FlagSwitch />
      <DivergencePanel />
    </div>
  );
}
