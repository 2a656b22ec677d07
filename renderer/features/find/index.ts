export { FindJob } from './FindJob';
