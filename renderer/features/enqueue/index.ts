export { EnqueueForm } from './EnqueueForm';
