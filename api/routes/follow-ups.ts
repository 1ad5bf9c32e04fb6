/**
 * Follow-ups (督办) of bad ratings and complaints (workflows/rules/follow-ups.ts). A bad rating opens
 * one by itself (api/ratings.ts); a complaint (投诉, 有诉必查) comes from an integrator (the 12345
 * hotline's system, a portal), from a window officer who takes it down, or from the public page
 * (api/routes/public-complaints.ts). Leaders contact back and rectify, supervisors accept, investigate,
 * review disputes and keep the region's limits; each action is an update of the follow-up's workflow.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { findApplication as findApplicationRow, responsibleFor } from '../../db/cases.js';
import {
  FOLLOW_UP_FILTERS,
  type FollowUpInsert,
  type FollowUpRow,
  findByReference,
  findFollowUp,
  followUpCounts,
  limitsFor,
  listFollowUps,
  listLimits,
  nextComplaintId,
  setLimits,
  stepsOfFollowUp,
  trackingCode,
} from '../../db/follow-ups.js';
import { apiKeys, centres, followUps, officers, windows } from '../../db/schema/index.js';
import type { Officer } from '../../workflows/messages.js';
import { FOLLOW_UP_KINDS, FOLLOW_UP_LEVELS, FOLLOW_UP_OUTCOMES, FOLLOW_UP_STAGES, type ComplaintSubject, type FollowUpInput, stageRefusal } from '../../workflows/rules/follow-ups.js';
import { sightOf } from '../application-access.js';
import { type Identity, OVERSIGHT, SYSTEM_ADMINISTRATORS, WINDOW_STAFF, forbidden, requireCentre, scopeCentre, staffOf } from '../auth.js';
import { HttpError, errorBody, invalid, notFound, refused } from '../errors.js';
import { actOnFollowUp, startFollowUp } from '../follow-ups.js';
import { iso } from '../views.js';
import { withinCentre } from '../../workflows/rules/authority.js';
import { RATING_LEVELS } from '../../workflows/rules/ratings.js';
import * as examples from '../examples/follow-ups.js';
import type { RouteExamples } from '../openapi.js';

const officer = z.object({ id: z.string(), name: z.string().optional() });
const clock = z.object({ warnAt: z.string().optional(), due: z.string() });
const refusals = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 503: errorBody };

export const complaintSubject = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('officer'), officerId: z.string().min(1).max(64) }),
    z.object({ kind: z.literal('window'), windowCode: z.string().min(1).max(64) }),
    z.object({ kind: z.literal('centre'), centreCode: z.string().regex(/^\d{6}$/) }),
    z.object({ kind: z.literal('application'), applicationNo: z.string().min(1).max(64) }),
  ])
  .describe('What the complaint is about: an officer, a window, a centre or an application')
  .meta({ id: 'ComplaintSubject' });

export const complaintBody = z
  .object({
    subject: complaintSubject,
    content: z.string().trim().min(5).max(2000).describe('What happened (投诉内容)'),
    complainant: z
      .object({ name: z.string().trim().min(1).max(64), phone: z.string().trim().regex(/^[0-9+\- ]{5,20}$/).optional() })
      .optional()
      .describe('Absent: an anonymous complaint, investigated all the same but nobody is contacted back'),
  })
  .meta({ id: 'ComplaintRequest' });

export const followUpView = z
  .object({
    id: z.string(),
    kind: z.enum(FOLLOW_UP_KINDS),
    stage: z.enum(FOLLOW_UP_STAGES),
    level: z.enum(FOLLOW_UP_LEVELS).describe('yellow: a limit ends within a working day; red: a limit passed (overdue while open)'),
    overdue: z.boolean(),
    centreCode: z.string(),
    department: z.string().nullable(),
    applicationNo: z.string().nullable(),
    ratingEvent: z.string().nullable(),
    ratingLevel: z.enum(RATING_LEVELS).nullable().describe('The bad rating’s level (dissatisfied 不满意, very_dissatisfied 非常不满意); null for a complaint'),
    subject: complaintSubject.nullable(),
    content: z.string().nullable(),
    anonymous: z.boolean().nullable().describe('A complaint sent without a name; null for a bad rating'),
    channel: z.string().nullable(),
    assignee: z.array(officer).describe('Who must act now; empty: the supervisors of the centre'),
    responsible: z.array(officer).describe('Whom its accountability case names'),
    dueAt: z.string().nullable().describe('When the running limit ends'),
    clocks: z.record(z.string(), clock),
    outcome: z.enum(FOLLOW_UP_OUTCOMES).nullable(),
    findings: z.string().nullable(),
    reply: z.object({ at: z.string(), text: z.string(), via: z.string() }).nullable().describe('What the complainant was told, and how'),
    caseId: z.string().nullable(),
    openedAt: z.string(),
    contactedAt: z.string().nullable(),
    acceptedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    steps: z.array(z.object({ seq: z.number(), at: z.string(), step: z.string(), actor: officer.nullable(), note: z.string().nullable() })).optional(),
  })
  .meta({ id: 'FollowUp' });

/** The row as the API shows it; the complainant's name and phone stay with the supervisors' detail. */
export function followUpOf(row: FollowUpRow) {
  return {
    id: row.id,
    kind: row.kind,
    stage: row.stage,
    level: row.level,
    overdue: row.stage !== 'closed' && row.level === 'red',
    centreCode: row.centreCode,
    department: row.department,
    applicationNo: row.applicationNo,
    ratingEvent: row.ratingEvent,
    ratingLevel: row.ratingLevel,
    subject: row.subject,
    content: row.content,
    anonymous: row.kind === 'complaint' ? row.complainant === null : null,
    channel: row.channel,
    assignee: row.assignee,
    responsible: row.responsible,
    dueAt: iso(row.dueAt),
    clocks: row.clocks as Record<string, { warnAt?: string; due: string }>,
    outcome: row.outcome,
    findings: row.findings,
    reply: row.reply ?? null,
    caseId: row.caseId,
    openedAt: iso(row.openedAt)!,
    contactedAt: iso(row.contactedAt),
    acceptedAt: iso(row.acceptedAt),
    closedAt: iso(row.closedAt),
  };
}

/** A complaint taken down at a window, as its first answer shows it: with the tracking code for the complainant. */
const complaintReceived = followUpView
  .extend({
    trackingCode: z.string().optional().describe('Taken down at a window: the tracking code (查询码) for the complainant, shown this once (only its hash is kept); the same officer’s replay of the reference gets a new one, the earlier no longer opening it'),
    trackingUrl: z.string().optional().describe('The page that shows the complaint’s stage and the reply by the code, /complain/track/<code>'),
  })
  .meta({ id: 'ComplaintReceived' });

/** An integrator's complaints, the last changed first. */
const complaintPage = z
  .object({
    complaints: z.array(followUpView.extend({ updatedAt: z.string().describe('When it last changed: the next poll’s ?since=, less a minute') })),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'ComplaintPage' });

const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{3,100}$/).describe('R-<application>-<event> or C-<yyyymmdd>-<n>') });
const note = z.string().trim().min(1).max(2000);

/** Where the complaint lands: the subject's centre and department (and application), or 400 naming the field. */
export async function placeComplaint(app: FastifyInstance, subject: ComplaintSubject) {
  const db = app.deps.database.db;
  switch (subject.kind) {
    case 'officer': {
      const [row] = await db.select().from(officers).where(eq(officers.id, subject.officerId));
      if (!row) throw invalid('body.subject.officerId', `no officer ${subject.officerId}`);
      return { centreCode: row.centreCode, department: row.departmentCode, applicationNo: null };
    }
    case 'window': {
      const [row] = await db.select().from(windows).where(eq(windows.code, subject.windowCode));
      if (!row) throw invalid('body.subject.windowCode', `no window ${subject.windowCode}`);
      return { centreCode: row.centreCode, department: row.departmentCode, applicationNo: null };
    }
    case 'centre': {
      const [row] = await db.select().from(centres).where(eq(centres.code, subject.centreCode));
      if (!row) throw invalid('body.subject.centreCode', `no centre ${subject.centreCode}`);
      return { centreCode: row.code, department: null, applicationNo: null };
    }
    case 'application': {
      const row = await findApplicationRow(db, subject.applicationNo);
      if (!row) throw invalid('body.subject.applicationNo', `no application ${subject.applicationNo}`);
      return { centreCode: row.centreCode, department: row.leadDepartment, applicationNo: row.applicationNo };
    }
  }
}

/**
 * Stores a complaint and starts its workflow in one transaction (a Temporal out of reach: 503, nothing
 * stored). An integrator's repeated reference answers the complaint it made then.
 */
export async function fileComplaint(
  app: FastifyInstance,
  body: z.infer<typeof complaintBody>,
  from: { channel: 'api' | 'window' | 'public'; submittedBy: string; reference?: string; trackingHash?: string },
  place: Awaited<ReturnType<typeof placeComplaint>>,
): Promise<{ row: FollowUpRow; replayed: boolean }> {
  const db = app.deps.database.db;
  if (from.reference) {
    const earlier = await findByReference(db, from.submittedBy, from.reference);
    if (earlier) return { row: earlier, replayed: true };
  }
  const openedAt = new Date().toISOString();
  const id = await db
    .transaction(async (tx) => {
      const id = await nextComplaintId(tx, openedAt);
      const input: FollowUpInput = { id, kind: 'complaint', ...place, openedAt, complaint: { anonymous: !body.complainant, channel: from.channel, tracked: from.trackingHash !== undefined } };
      const row: FollowUpInsert = {
        id,
        kind: 'complaint',
        stage: 'received',
        centreCode: place.centreCode,
        department: place.department,
        applicationNo: place.applicationNo,
        subject: body.subject,
        content: body.content,
        complainant: body.complainant ?? null,
        channel: from.channel,
        submittedBy: from.submittedBy,
        reference: from.reference ?? null,
        trackingHash: from.trackingHash ?? null,
        openedAt,
      };
      await startFollowUp(app, tx, input, row);
      return id;
    })
    .catch(async (err: unknown) => {
      // The same reference sent twice at once: the other request stored it first, and this one answers it.
      const earlier = from.reference && isUniqueViolation(err) ? await findByReference(db, from.submittedBy, from.reference) : undefined;
      if (!earlier) throw err;
      return earlier.id;
    });
  const row = (await findFollowUp(db, id))!;
  return { row, replayed: row.openedAt !== null && Date.parse(row.openedAt) !== Date.parse(openedAt) };
}

/**
 * A complaint as whoever sent it sees it: its stage, outcome and reply, not the findings, whom they name
 * or the case. About an application it names the number (which the sender gave), its centre and lead
 * department, and nothing of the applicant: a hotline's key that complains about an application another
 * integrator submitted (complaintsAbout 'centres') learns no more of it than that.
 */
/** What the one who filed a complaint sees of it: its stage, limits and the reply; no officer (who handles it, who answers for it), no findings or case. */
const integratorView = (row: FollowUpRow) => ({ ...followUpOf(row), assignee: [], findings: null, responsible: [], caseId: null });

/** The complaint an integrator lists: as GET /v1/complaints/:id shows it, with when it last changed. */
const listedComplaint = (row: FollowUpRow) => ({ ...integratorView(row), updatedAt: iso(row.updatedAt)! });

/** The list's position: the last row of the previous page, its updatedAt exactly as stored (microseconds) and its id. */
function encodeCursor(row: FollowUpRow): string {
  return Buffer.from(JSON.stringify([row.updatedAt, row.id])).toString('base64url');
}

function decodeCursor(cursor: string | undefined): { updatedAt: string; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [updatedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof updatedAt === 'string' && !Number.isNaN(Date.parse(updatedAt)) && typeof id === 'string') return { updatedAt, id };
  } catch {
    // fall through to the error below
  }
  throw invalid('querystring.cursor', 'is not a cursor this API returned');
}

/**
 * Whether an integrator's key may complain about an application: the one that submitted it always; a
 * key the security administrator made for complaints about its centres' applications (a 12345 hotline),
 * any whose centre is within the key's centres. Read from the key's row: a change to it counts at once.
 */
async function mayComplainAbout(app: FastifyInstance, identity: Extract<Identity, { kind: 'integrator' }>, application: { applicationNo: string; centreCode: string; leadDepartment: string; submittedBy: string | null }): Promise<boolean> {
  if (sightOf(identity, application, []) === 'whole') return true;
  const [key] = await app.deps.database.db.select({ complaintsAbout: apiKeys.complaintsAbout }).from(apiKeys).where(eq(apiKeys.id, identity.key.id));
  return key?.complaintsAbout === 'centres' && identity.key.centres.some((c) => withinCentre(c, application.centreCode));
}

const isUniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
};

/** A leader sees the bad ratings of their department at their centre; a supervisor everything at and below theirs. */
function mayRead(request: FastifyRequest, row: FollowUpRow): boolean {
  const officer = staffOf(request);
  if (officer.role === 'department_leader') return row.kind === 'bad_rating' && row.department === officer.departmentCode && row.centreCode === officer.centreCode;
  return withinCentre(officer.centreCode, row.centreCode);
}

export const followUpRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const readers = [...OVERSIGHT, 'department_leader' as const];

  app.get(
    '/follow-ups',
    {
      schema: {
        tags: ['follow-ups'],
        summary: 'Follow-ups of bad ratings and complaints (督办), newest first: open, overdue (open and red), closed or all, of a centre and those below it; a leader sees the bad ratings of their department',
        querystring: z.object({
          centre: z.string().regex(/^\d{6}$/).optional(),
          kind: z.enum(FOLLOW_UP_KINDS).optional(),
          status: z.enum(FOLLOW_UP_FILTERS).optional().describe('open (default), overdue, closed, all'),
          application: z.string().max(64).optional(),
        }),
        response: { 200: z.object({ followUps: z.array(followUpView) }), ...refusals },
      },
      config: { access: readers, examples: examples.listExamples },
    },
    async (request) => {
      const officer = staffOf(request);
      const { kind, status, application } = request.query;
      const leader = officer.role === 'department_leader';
      const centre = leader ? officer.centreCode : scopeCentre(request, request.query.centre, 'read the follow-ups');
      const own = leader ? { kind: 'bad_rating' as const, department: officer.departmentCode ?? '', exactCentre: true } : { kind };
      const rows = await listFollowUps(db, { centre, status, applicationNo: application, ...own });
      return { followUps: rows.map(followUpOf) };
    },
  );

  const counts = z.object({ open: z.number(), yellow: z.number(), overdue: z.number().describe('Open and red: a limit passed'), closed: z.number() });
  app.get(
    '/follow-ups/summary',
    {
      schema: {
        tags: ['follow-ups'],
        summary: 'How many follow-ups of bad ratings and of complaints are open, yellow, overdue (open and red) and closed at a centre and those below it, for the supervision page',
        querystring: z.object({ centre: z.string().regex(/^\d{6}$/).optional() }),
        response: { 200: z.object({ centre: z.string(), badRatings: counts, complaints: counts }), ...refusals },
      },
      config: { access: [...OVERSIGHT], examples: examples.summaryExamples },
    },
    async (request) => {
      const centre = scopeCentre(request, request.query.centre, 'read the follow-ups');
      return { centre, ...(await followUpCounts(db, centre)) };
    },
  );

  const found = async (request: FastifyRequest, id: string) => {
    const row = await findFollowUp(db, id);
    // Out of sight reads as unknown: a leader learns nothing of other departments' follow-ups.
    if (!row || !mayRead(request, row)) throw notFound(`Follow-up ${id}`);
    return row;
  };

  app.get(
    '/follow-ups/:id',
    {
      schema: { tags: ['follow-ups'], summary: 'One follow-up with every step, and the complainant’s contact for the supervisors', params: idParams, response: { 200: followUpView.extend({ complainant: z.object({ name: z.string(), phone: z.string().optional() }).nullable() }), ...refusals } },
      config: { access: readers, examples: examples.detailExamples },
    },
    async (request) => {
      const row = await found(request, request.params.id);
      const steps = await stepsOfFollowUp(db, row.id);
      // The complainant's name and phone are for the supervisors who contact them, not the administrators.
      const complainant = staffOf(request).role === 'supervisor' ? row.complainant : null;
      return { ...followUpOf(row), complainant, steps: steps.map((s) => ({ ...s, at: iso(s.at)! })) };
    },
  );

  /** Sends the action; the update returns once its write is in the read model. */
  const act = async (request: FastifyRequest, id: string, command: (officer: Officer) => Parameters<typeof actOnFollowUp>[2] | Promise<Parameters<typeof actOnFollowUp>[2]>) => {
    const row = await found(request, id);
    const officer = staffOf(request);
    request.auditCentre = row.centreCode;
    await actOnFollowUp(app, row.id, await command({ id: officer.id, name: officer.name, role: officer.role, centreCode: officer.centreCode, departmentCode: officer.departmentCode }));
    return followUpOf((await findFollowUp(db, row.id))!);
  };
  const action = (summary: string, body: z.ZodType, access: readonly string[], shown: RouteExamples) => ({
    schema: { tags: ['follow-ups'], summary, params: idParams, body, response: { 200: followUpView, ...refusals } },
    config: { access: access as typeof readers, examples: shown },
  });

  app.post(
    '/follow-ups/:id/contact',
    action('A leader records the contact back (回访) of a bad rating: what the applicant said', z.object({ note }).meta({ id: 'FollowUpContact' }), readers, examples.contactExamples),
    async (request) => act(request, request.params.id, (officer) => ({ action: 'contact', officer, note: (request.body as { note: string }).note })),
  );

  app.post(
    '/follow-ups/:id/conclusion',
    action(
      'A leader concludes a bad rating: rectified (已整改), explained (情况说明), or disputed (申诉, for a supervisor to review)',
      z.object({ outcome: z.enum(['rectified', 'explained', 'disputed']), note }).meta({ id: 'FollowUpConclusion' }),
      readers,
      examples.conclusionExamples,
    ),
    async (request) => {
      const body = request.body as { outcome: 'rectified' | 'explained' | 'disputed'; note: string };
      return act(request, request.params.id, (officer) => ({ action: 'conclude', officer, outcome: body.outcome, note: body.note }));
    },
  );

  app.post(
    '/follow-ups/:id/dispute-review',
    action(
      'A supervisor decides a disputed bad rating (申诉复核): upheld, it no longer counts; dismissed, back to rectification with its limit moved by the days the dispute waited',
      z.object({ upheld: z.boolean(), note }).meta({ id: 'DisputeReview' }),
      OVERSIGHT,
      examples.disputeReviewExamples,
    ),
    async (request) => {
      const body = request.body as { upheld: boolean; note: string };
      return act(request, request.params.id, (officer) => ({ action: 'reviewDispute', officer, upheld: body.upheld, note: body.note }));
    },
  );

  app.post(
    '/follow-ups/:id/acceptance',
    action(
      'A supervisor accepts a complaint (受理) and investigates it, or does not accept it with the reason the complainant is told',
      z.object({ accepted: z.boolean(), note }).meta({ id: 'ComplaintAcceptance' }),
      OVERSIGHT,
      examples.acceptanceExamples,
    ),
    async (request) => {
      const body = request.body as { accepted: boolean; note: string };
      return act(request, request.params.id, (officer) => ({ action: 'accept', officer, accepted: body.accepted, note: body.note }));
    },
  );

  app.post(
    '/follow-ups/:id/findings',
    action(
      'The investigating supervisor records the findings: a substantiated complaint opens an accountability case naming the officers responsible (by default the officer complained about, or those who answer for the application); the reply is what the complainant is told',
      z
        .object({
          substantiated: z.boolean(),
          findings: note,
          reply: note.describe('What the complainant is told (答复)'),
          responsible: z.array(z.string().min(1).max(64)).max(20).optional().describe('Officer ids; required for a substantiated complaint about a window without officers or a centre'),
        })
        .meta({ id: 'ComplaintFindings' }),
      OVERSIGHT,
      examples.findingsExamples,
    ),
    async (request) => {
      const body = request.body as { substantiated: boolean; findings: string; reply: string; responsible?: string[] };
      const row = await found(request, request.params.id);
      // The rules first (a bad rating has no findings, a complaint not accepted none yet), then whom it names.
      const refusal = stageRefusal({ id: row.id, kind: row.kind, stage: row.stage }, 'findings');
      if (refusal) throw refused(refusal.message, refusal.code);
      const responsible = body.substantiated ? await responsibleOfComplaint(app, row, body.responsible) : [];
      return act(request, row.id, (officer) => ({ action: 'findings', officer, substantiated: body.substantiated, findings: body.findings, reply: body.reply, responsible }));
    },
  );

  app.post(
    '/complaints',
    {
      schema: {
        tags: ['follow-ups'],
        summary: 'A complaint (投诉, 有诉必查) from an integrator (the 12345 hotline, a portal) or taken down at a window; the same reference again answers the same complaint',
        body: complaintBody.extend({ reference: z.string().trim().min(1).max(100).optional().describe('The integrator’s own id of it: a retry sends it again') }),
        response: { 200: complaintReceived, 201: complaintReceived, ...refusals },
      },
      config: { access: ['integrator', ...WINDOW_STAFF], examples: examples.complaintExamples },
    },
    async (request, reply) => {
      const identity = request.identity!;
      const place = await placeComplaint(app, request.body.subject);
      if (identity.kind === 'integrator') {
        if (request.body.subject.kind === 'application') {
          const application = await findApplicationRow(db, place.applicationNo!);
          // The integrator that submitted it, or a key for its centres' applications (a hotline); to any
          // other the application is unknown, as one that does not exist.
          if (!(await mayComplainAbout(app, identity, application!))) throw invalid('body.subject.applicationNo', `no application ${place.applicationNo}`);
        } else if (!identity.key.centres.some((c) => withinCentre(c, place.centreCode))) {
          throw forbidden(`Key ${identity.key.id} (${identity.key.name}) serves ${identity.key.centres.join(', ')}, not centre ${place.centreCode}`);
        }
      } else {
        requireCentre(request, place.centreCode, 'take down a complaint');
      }
      const channel = identity.kind === 'integrator' ? 'api' : 'window';
      // Taken down at a window: a tracking code (查询码) for the complainant, as the public page's, shown
      // in this answer once (only its hash is kept). The officer's retry of the same reference (its answer
      // was lost) gets a new code, the one nobody saw no longer opening it.
      const tracking = channel === 'window' ? trackingCode() : undefined;
      const { row, replayed } = await fileComplaint(app, request.body, { channel, submittedBy: identity.id, reference: request.body.reference, trackingHash: tracking?.hash }, place);
      request.auditTarget = `complaint ${row.id}${replayed ? ' (replayed)' : ''}`;
      request.auditCentre = row.centreCode;
      reply.status(replayed ? 200 : 201);
      if (!tracking || (replayed && !row.trackingHash)) return integratorView(row);
      if (replayed) {
        // Only over the code this replay saw: of two replays at once, one code opens it, and only that one is shown.
        const rotated = await db
          .update(followUps)
          .set({ trackingHash: tracking.hash })
          .where(and(eq(followUps.id, row.id), eq(followUps.trackingHash, row.trackingHash!)))
          .returning({ id: followUps.id });
        if (rotated.length === 0) return integratorView(row);
      }
      reply.header('cache-control', 'no-store');
      return { ...integratorView(row), trackingCode: tracking.code, trackingUrl: `/complain/track/${tracking.code}` };
    },
  );

  app.get(
    '/complaints',
    {
      schema: {
        tags: ['follow-ups'],
        summary:
          'The integrator’s own complaints, the last changed first, as GET /v1/complaints/{id} shows each (stage, outcome, reply) with when it last changed; page with nextCursor. ' +
          'To learn of outcomes, poll with ?since= the newest updatedAt seen less a minute (a change being written as you read shows with the instant its write began): repeats are harmless',
        querystring: z.object({
          since: z.iso.datetime({ offset: true }).optional().describe('Only complaints changed at or after this instant'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(500).optional().describe('nextCursor of the previous page'),
        }),
        response: { 200: complaintPage, ...refusals },
      },
      config: { access: ['integrator'], examples: examples.integratorComplaintListExamples },
    },
    async (request) => {
      const { since, limit, cursor } = request.query;
      const after = decodeCursor(cursor);
      const rows = await db
        .select()
        .from(followUps)
        .where(
          and(
            eq(followUps.submittedBy, request.identity!.id),
            eq(followUps.kind, 'complaint'),
            since ? gte(followUps.updatedAt, new Date(since).toISOString()) : undefined,
            after ? sql`(${followUps.updatedAt}, ${followUps.id}) < (${after.updatedAt}::timestamptz, ${after.id})` : undefined,
          ),
        )
        .orderBy(desc(followUps.updatedAt), desc(followUps.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { complaints: page.map(listedComplaint), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },
  );

  app.get(
    '/complaints/:id',
    {
      schema: { tags: ['follow-ups'], summary: 'A complaint as the integrator that sent it sees it: its stage, outcome and the reply', params: idParams, response: { 200: followUpView, ...refusals } },
      config: { access: ['integrator'], examples: examples.integratorComplaintExamples },
    },
    async (request) => {
      const row = await findFollowUp(db, request.params.id);
      if (!row || row.kind !== 'complaint' || row.submittedBy !== request.identity!.id) throw notFound(`Complaint ${request.params.id}`);
      return integratorView(row);
    },
  );

  const limitsView = z.object({ centreCode: z.string(), contactDays: z.number(), rectifyDays: z.number(), acceptDays: z.number(), investigateDays: z.number(), setAt: z.string().nullable().describe('The region whose row applies; null: the defaults') });
  const days = z.number().int().min(1).max(60);

  app.get(
    '/follow-up-limits/:centre',
    {
      schema: { tags: ['follow-ups'], summary: 'The follow-up limits in working days that apply at a centre', params: z.object({ centre: z.string().regex(/^\d{6}$/) }), response: { 200: limitsView, ...refusals } },
      config: { access: [...OVERSIGHT], examples: examples.limitsExamples },
    },
    async (request) => {
      const centre = scopeCentre(request, request.params.centre, 'read the follow-up limits');
      const [exists] = await db.select({ code: centres.code }).from(centres).where(eq(centres.code, centre));
      if (!exists) throw notFound(`Centre ${centre}`);
      return { centreCode: centre, ...(await limitsFor(db, centre)) };
    },
  );

  app.put(
    '/follow-up-limits/:centre',
    {
      schema: {
        tags: ['follow-ups'],
        summary: 'A region’s own follow-up limits in working days (the centre and those below it); new follow-ups take them, running ones keep theirs',
        params: z.object({ centre: z.string().regex(/^\d{6}$/) }),
        body: z.object({ contactDays: days, rectifyDays: days, acceptDays: days, investigateDays: days }).meta({ id: 'FollowUpLimits' }),
        response: { 200: limitsView, ...refusals },
      },
      config: { access: SYSTEM_ADMINISTRATORS, examples: examples.setLimitsExamples },
    },
    async (request) => {
      const centre = request.params.centre;
      requireCentre(request, centre, 'set follow-up limits');
      const [exists] = await db.select({ code: centres.code }).from(centres).where(eq(centres.code, centre));
      if (!exists) throw notFound(`Centre ${centre}`);
      if (request.body.contactDays > request.body.rectifyDays) throw invalid('body.contactDays', 'the contact back comes before the rectification: at most rectifyDays');
      await setLimits(db, centre, request.body, request.identity!.id);
      request.auditCentre = centre;
      return { centreCode: centre, ...(await limitsFor(db, centre)) };
    },
  );

  app.get(
    '/follow-up-limits',
    { schema: { tags: ['follow-ups'], summary: 'The regions that set their own follow-up limits', response: { 200: z.object({ limits: z.array(limitsView) }), ...refusals } },
      config: { access: [...OVERSIGHT], examples: examples.limitListExamples },
    },
    async () => ({ limits: (await listLimits(db)).map((r) => ({ centreCode: r.centreCode, contactDays: r.contactDays, rectifyDays: r.rectifyDays, acceptDays: r.acceptDays, investigateDays: r.investigateDays, setAt: r.centreCode })) }),
  );
};

/** Whom a substantiated complaint holds responsible: those named, else the officer complained about, the window's officers or the application's. */
async function responsibleOfComplaint(app: FastifyInstance, row: FollowUpRow, named: string[] | undefined): Promise<Officer[]> {
  const db = app.deps.database.db;
  if (named && named.length > 0) {
    const rows = await db.select({ id: officers.id, name: officers.name }).from(officers).where(inArray(officers.id, named));
    const unknown = named.filter((id) => !rows.some((r) => r.id === id));
    if (unknown.length > 0) throw invalid('body.responsible', `no officer ${unknown.join(', ')}`);
    return rows;
  }
  const subject = row.subject!;
  if (subject.kind === 'officer') {
    const [o] = await db.select({ id: officers.id, name: officers.name }).from(officers).where(eq(officers.id, subject.officerId));
    if (o) return [o];
  }
  if (subject.kind === 'window') {
    const rows = await db.select({ id: officers.id, name: officers.name }).from(officers).where(eq(officers.windowCode, subject.windowCode));
    if (rows.length > 0) return rows;
  }
  if (subject.kind === 'application') {
    const application = await findApplicationRow(db, subject.applicationNo);
    const responsible = application ? await responsibleFor(db, application) : [];
    if (responsible.length > 0) return responsible;
  }
  throw new HttpError(400, 'validation_failed', 'responsible: name the officers a substantiated complaint holds responsible', [{ field: 'body.responsible', message: 'required here' }]);
}
