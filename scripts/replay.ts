/**
 * Determinism check: replays workflows' histories, as they are on the server now, against a workflow
 * bundle. A history that today's code would not replay (a non-determinism error) is named in the answer.
 * The fault run and the workflow tests replay every application they ran.
 */
import type { Client } from '@temporalio/client';
import { Worker, type WorkflowBundle } from '@temporalio/worker';

export async function replayFailures(client: Client, workflowIds: string[], workflowBundle: WorkflowBundle): Promise<string[]> {
  async function* histories() {
    for (const workflowId of workflowIds) yield { workflowId, history: await client.workflow.getHandle(workflowId).fetchHistory() };
  }
  const failures: string[] = [];
  // The histories' payloads are encrypted: the replay decodes them as the client that fetched them does.
  const replay = { workflowBundle, replayName: 'determinism check', dataConverter: client.options.dataConverter };
  for await (const result of Worker.runReplayHistories(replay, histories())) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return failures;
}
