/** The workflow's view of the activities: types only, one retry policy. */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

// The read model must converge whatever happens to the database, so recording retries without end;
// each try is short so that a stuck connection is abandoned and retried.
export const { recordSubmitted, recordTransition, openReviewTask, calendarSnapshot } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
