/**
 * The history archiver's sweep: every closed application workflow not yet archived is archived
 * (db/history-archive.ts). Run by the archiveClosedHistories workflow on a schedule, and by
 * `npm run history:archive`. Which workflows: those the read model shows closed since the watermark,
 * and those Temporal's visibility lists as closed since then (an operator's terminate or cancel, which
 * the read model never hears of), each less a safety margin for visibility's lag.
 */
import { heartbeat, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { and, asc, eq, gt, gte, isNotNull, or, sql } from 'drizzle-orm';
import { isWorkflowGone } from '../api/errors.js';
import type { Db } from '../db/client.js';
import { archivedRuns, storeHistory } from '../db/history-archive.js';
import { applications, historyArchiver } from '../db/schema/index.js';

/** Visibility may show a close some seconds late, and clocks differ: look this far back past the watermark. */
export const SWEEP_MARGIN_MS = 5 * 60_000;
const PAGE = 500;
const STATE_ID = 'sweep';

export interface SweepReport {
  /** Closed workflows looked at that had no archive yet. */
  candidates: number;
  archived: number;
  /** Archived meanwhile by another sweep. */
  already: number;
  /** The read model shows it closed, its workflow has not ended yet: the next sweep takes it. */
  running: number;
  /** Temporal no longer has it: its history was lost before any sweep reached it. */
  gone: number;
  /** The first of those (the result is a Temporal payload, kept small). */
  goneFirst: string[];
  /** Archiving failed (a database outage, say): the sweep fails after trying the rest, and is retried. */
  failed: number;
  since: string;
  watermark: string;
}

type Candidate = { applicationNo: string; runId?: string };

export async function sweepClosedHistories(
  { db, client }: { db: Db; client: Client },
  options: { backfill?: boolean; progress?: () => void } = {},
): Promise<SweepReport> {
  const started = new Date();
  const [state] = await db.select().from(historyArchiver).where(eq(historyArchiver.id, STATE_ID));
  const since = new Date(options.backfill || !state ? 0 : Date.parse(state.watermark) - SWEEP_MARGIN_MS);
  const report: SweepReport = { candidates: 0, archived: 0, already: 0, running: 0, gone: 0, goneFirst: [], failed: 0, since: since.toISOString(), watermark: since.toISOString() };
  let lastError: unknown;

  const archive = async (candidates: Candidate[]) => {
    const done = await archivedRuns(db, candidates.map((c) => c.applicationNo));
    for (const candidate of candidates) {
      if (done.has(candidate.runId ? `${candidate.applicationNo}/${candidate.runId}` : candidate.applicationNo)) continue;
      report.candidates++;
      try {
        const outcome = await archiveOne(db, client, candidate);
        report[outcome]++;
        if (outcome === 'gone' && report.goneFirst.length < 100) report.goneFirst.push(candidate.applicationNo);
      } catch (err) {
        report.failed++;
        lastError = err;
      }
      options.progress?.();
    }
  };

  // The read model's closed applications, oldest first, a page at a time (applications_closed_idx).
  for (let after: { at: string; no: string } | undefined; ; ) {
    const page = await db
      .select({ applicationNo: applications.applicationNo, closedAt: applications.closedAt })
      .from(applications)
      .where(
        and(
          isNotNull(applications.closedAt),
          gte(applications.closedAt, since.toISOString()),
          after ? or(gt(applications.closedAt, after.at), and(eq(applications.closedAt, after.at), gt(applications.applicationNo, after.no))) : undefined,
        ),
      )
      .orderBy(asc(applications.closedAt), asc(applications.applicationNo))
      .limit(PAGE);
    await archive(page);
    options.progress?.();
    if (page.length < PAGE) break;
    after = { at: page.at(-1)!.closedAt!, no: page.at(-1)!.applicationNo };
  }

  // Temporal's closed application workflows, whatever closed them.
  const query = `WorkflowType = 'applicationWorkflow' AND ExecutionStatus != 'Running' AND CloseTime >= '${since.toISOString()}'`;
  for (let nextPageToken: Uint8Array | undefined; ; ) {
    const page = await client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, query, pageSize: PAGE, nextPageToken });
    await archive(
      (page.executions ?? []).flatMap((e) => (e.execution?.workflowId && e.execution.runId ? [{ applicationNo: e.execution.workflowId, runId: e.execution.runId }] : [])),
    );
    nextPageToken = page.nextPageToken ?? undefined;
    if (!nextPageToken?.length) break;
  }

  if (report.failed > 0) throw lastError;
  // Everything that closed before this sweep began has been looked at (less the margin, looked at again next time).
  report.watermark = started.toISOString();
  await db
    .insert(historyArchiver)
    .values({ id: STATE_ID, watermark: report.watermark, sweptAt: new Date().toISOString() })
    .onConflictDoUpdate({
      target: historyArchiver.id,
      set: { watermark: sql`greatest(${historyArchiver.watermark}, excluded.watermark)`, sweptAt: sql`excluded.swept_at` },
    });
  return report;
}

/** Archives one closed run; a run given by the read model alone is first asked for its run id and status. */
async function archiveOne(db: Db, client: Client, candidate: Candidate): Promise<'archived' | 'already' | 'running' | 'gone'> {
  let runId = candidate.runId;
  try {
    if (!runId) {
      const { workflowExecutionInfo: info } = await client.workflowService.describeWorkflowExecution({
        namespace: client.options.namespace,
        execution: { workflowId: candidate.applicationNo },
      });
      // 1: WORKFLOW_EXECUTION_STATUS_RUNNING.
      if (info?.status === 1) return 'running';
      runId = info?.execution?.runId ?? undefined;
      if (!runId) return 'gone';
    }
    const history = await client.workflow.getHandle(candidate.applicationNo, runId).fetchHistory();
    const { stored } = await storeHistory(db, { applicationNo: candidate.applicationNo, runId }, history);
    return stored ? 'archived' : 'already';
  } catch (err) {
    if (isWorkflowGone(err)) return 'gone';
    throw err;
  }
}

/** The archiver's activity: the sweep, heartbeating as it goes so that a worker that died is noticed. */
export function createArchiveActivities(deps: { db: Db; client: Client }) {
  return {
    async sweepClosedHistories(): Promise<SweepReport> {
      const report = await sweepClosedHistories(deps, { progress: () => heartbeat() });
      if (report.gone > 0) log.warn('closed workflows Temporal no longer has, never archived', { count: report.gone, first: report.goneFirst });
      if (report.archived > 0) log.info('histories archived', { archived: report.archived });
      return report;
    },
  };
}

export type ArchiveActivities = ReturnType<typeof createArchiveActivities>;
