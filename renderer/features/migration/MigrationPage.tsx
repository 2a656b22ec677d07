import { DivergencePanel } from '../divergence';
import { FlagSwitch } from './FlagSwitch';
import { MigrationProgress } from './MigrationProgress';
import '../../ui/screen.css';
import './migration.css';

export function MigrationPage() {
  return (
    <div className="screen migration-page">
      <h1 className="screen-title">Migration</h1>
      <FlagSwitch />
      <DivergencePanel />
      <MigrationProgress />
    </div>
  );
}
