export { applicationWorkflow } from './application.js';
export { archiveClosedHistories } from './archiver.js';
