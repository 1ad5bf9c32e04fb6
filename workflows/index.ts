export { applicationWorkflow } from './application.js';
