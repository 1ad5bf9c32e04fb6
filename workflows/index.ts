export { applicationWorkflow } from './application.js';
export { archiveClosedHistories } from './archiver.js';
export { signAuditCheckpointWorkflow } from './audit-checkpoint.js';
export { reconcileFeesWorkflow } from './fee-reconciliation.js';
export { followUpWorkflow } from './follow-up.js';
