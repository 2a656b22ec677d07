export { ProfileSwitcher } from './ProfileSwitcher';
export { WritesLock } from './WritesLock';
