/**
 * Plain data for the rules' tests (workflows/rules/): officers of each role at a department and a
 * centre, an application's input, the application in each stage of its life, and a working calendar
 * from a literal snapshot, so that every due instant below is exact. No Temporal, no database.
 *
 * The calendar is the State Council's 2025 National Day notice: 1–8 October off, Sunday 28 September
 * and Saturday 11 October worked (调休). An application is accepted on Monday 22 September at 10:00
 * in China; its item promises 3 working days, allows 5 by statute, and warns 1 working day before the
 * promise:
 *
 *   Mon 22 accepted (not counted) · Tue 23 (1) · Wed 24 (2) yellow at its end · Thu 25 (3) red at its
 *   end · Fri 26 (4) · Sat 27 off · Sun 28 worked (5) statutory red at its end · … · 1–8 Oct off ·
 *   Thu 9 Oct (8) · Fri 10 (9) · Sat 11 worked (10)
 */
import { expect } from 'vitest';
import type {
  ApplicationInput,
  ApplicationState,
  ClockStop,
  ClockStopType,
  Deadlines,
  ItemSnapshot,
  Officer,
  Review,
  ReviewPlan,
  StepPlan,
  Stage,
  TransitionEvent,
} from '../../workflows/messages.js';
import type { Change, Draft } from '../../workflows/rules/change.js';
import { submitted } from '../../workflows/rules/intake.js';
import type { RefusalType } from '../../workflows/rules/refusal.js';
import { type CalendarSnapshot, WorkingCalendar } from '../../workflows/rules/working-days.js';

// ---- time ---------------------------------------------------------------------------------------

/** An instant given as a time of day in China: `china('2025-09-22 10:00')`. */
export const china = (dayAndTime: string): string => new Date(`${dayAndTime.replace(' ', 'T')}:00+08:00`).toISOString();

/** The instant a day in China ends (where a limit whose last working day it is ends). */
export const endOf = (day: string): string => new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000).toISOString();

export const NATIONAL_DAY_2025: CalendarSnapshot = {
  daysOff: ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08'],
  workingWeekends: ['2025-09-28', '2025-10-11'],
  publishedThrough: '2025-12-31',
};
export const calendar = new WorkingCalendar(NATIONAL_DAY_2025);

/** Monday 22 September 2025, 10:00 in China. */
export const ACCEPTED = china('2025-09-22 10:00');

/** The due instants of a 3-day promise (warning 1 day before) and a 5-day statute from ACCEPTED. */
export const DUE: Deadlines = {
  warnAt: endOf('2025-09-24'),
  promisedDue: endOf('2025-09-25'),
  statutoryDue: endOf('2025-09-28'),
  provisional: false,
};

// ---- organisation -------------------------------------------------------------------------------

/** Nanning's city centre, Liuzhou's, and the regional centre above both. */
export const CENTRE = '450100';
export const OTHER_CENTRE = '450200';
export const REGIONAL_CENTRE = '450000';

/** The lead department takes the application in; the partner reviews beside it; `fire` reviews in step 2. */
export const LEAD = 'market_regulation';
export const PARTNER = 'health';
export const LATER = 'fire';
export const STRANGER = 'transport';

export const officer = (role: string | undefined, departmentCode: string | null = LEAD, centreCode = CENTRE): Officer => ({
  id: `${role ?? 'nobody'}/${departmentCode ?? '-'}/${centreCode}`,
  name: `${role ?? 'nobody'} of ${departmentCode ?? 'no department'}`,
  role,
  centreCode,
  departmentCode,
});
export const windowOf = (department = LEAD, centre = CENTRE) => officer('window_officer', department, centre);
export const chiefOf = (department = LEAD, centre = CENTRE) => officer('chief_representative', department, centre);
export const leaderOf = (department = LEAD, centre = CENTRE) => officer('department_leader', department, centre);
export const supervisor = officer('supervisor', null);
/** The three administrators (三员): none works at a window. */
export const administrator = officer('system_administrator', null);
export const securityAdministrator = officer('security_administrator', null);
export const auditAdministrator = officer('audit_administrator', null);
export const roleless = officer(undefined);
/** An integrator as the API passes it to the workflow: only its id. */
export const integrator = (key = '7'): Officer => ({ id: `integrator:${key}` });

/** Who answers for a department's review (from the organisation, at opening). */
export const responsibleFor = (department: string, centre = CENTRE) => [windowOf(department, centre), chiefOf(department, centre)];

// ---- input --------------------------------------------------------------------------------------

export const ITEM: ItemSnapshot = {
  code: 'restaurant-opening',
  version: 3,
  name: '餐饮店开业（联办）',
  kind: 'joint',
  department: LEAD,
  major: false,
  statutoryLimitDays: 5,
  promisedLimitDays: 3,
  warningDays: 1,
};

const plan = (department: string, promisedLimitDays = 3, centreCode = CENTRE): ReviewPlan => ({ department, centreCode, promisedLimitDays });

/** Two steps: market regulation and health in parallel (审查), then fire safety (验收). */
export const STEPS: StepPlan[] = [
  { name: '审查', reviews: [plan(LEAD), plan(PARTNER)] },
  { name: '验收', reviews: [plan(LATER, 2)] },
];

export function inputOf(item: Partial<ItemSnapshot> = {}, steps: StepPlan[] = STEPS, more: Partial<ApplicationInput> = {}): ApplicationInput {
  return {
    applicationNo: '450100-20250922-0001',
    centreCode: CENTRE,
    item: { ...ITEM, ...item },
    steps,
    applicant: { type: 'organisation', name: '南宁市青秀区小满餐饮店', idNumber: '92450103MA5KXXXX1X' },
    materials: ['申请书', '营业执照'],
    submittedBy: 'integrator:7',
    submittedAt: china('2025-09-22 09:30'),
    ...more,
  };
}

/** The default: a joint item reviewed in two steps. */
export const JOINT = inputOf();
/** 即办件: decided on the spot by the lead department. */
export const IMMEDIATE = inputOf({ kind: 'immediate', promisedLimitDays: 0, statutoryLimitDays: 0 }, [{ name: '即办', reviews: [plan(LEAD, 0)] }]);
/** 承诺件: the lead department alone. */
export const PROMISED = inputOf({ kind: 'promised' }, [{ name: '审查', reviews: [plan(LEAD)] }]);
/** 上报件: taken in at the city centre, decided by the department at the regional centre. */
export const REPORTED = inputOf({ kind: 'reported' }, [{ name: '上报审批', reviews: [plan(LEAD, 3, REGIONAL_CENTRE)] }]);
/** A major item: decided by a department leader. */
export const MAJOR = inputOf({ major: true });
/** Came from a consultation: its officer is the first responsible person (首问负责制). */
export const CONSULTED = inputOf({}, STEPS, { consultation: { id: 12, officer: chiefOf() } });

// ---- the application in each stage of its life --------------------------------------------------

/** A review of the step under way, open since acceptance, with its due instants and who answers for it. */
export const openReview = (p: ReviewPlan, step = 0): Review => ({
  step,
  ...p,
  status: 'open',
  openedAt: ACCEPTED,
  deadlines: { ...DUE },
  responsible: responsibleFor(p.department, p.centreCode),
  stops: [],
  stoppedDays: 0,
});

export const submittedApp = (input = JOINT): ApplicationState => submitted(input);

/** Intake asked for more material (补正): the application waits for the applicant. */
export const supplementRequestedApp = (input = JOINT): ApplicationState => ({
  ...submitted(input),
  stage: 'supplement_requested',
  intakes: [{ decision: 'request_supplement', officer: windowOf(), at: china('2025-09-22 09:45'), missingMaterials: ['场所平面图'] }],
  seq: 2,
});

/**
 * Accepted at ACCEPTED by the lead department's window officer, its clock started: the first step
 * under way, its reviews open (or, with `reviewsOpened: false`, not yet opened a moment after acceptance).
 */
export function inReviewApp(input = JOINT, { reviewsOpened = true } = {}): ApplicationState {
  const reviews = reviewsOpened ? input.steps[0].reviews.map((p) => openReview(p)) : [];
  return {
    ...submitted(input),
    stage: 'in_review',
    intakes: [{ decision: 'accept', officer: windowOf(), at: ACCEPTED }],
    acceptedAt: ACCEPTED,
    responsibleOfficer: input.consultation?.officer ?? windowOf(),
    deadlines: { ...DUE },
    reviews,
    seq: 3 + reviews.length, // submitted, intake_accept, clock_started, one review_opened each
  };
}

/** Every department approved at `decidedAt`: completed (办结), waiting for pickup. */
export function completedApp(input = PROMISED, decidedAt = china('2025-09-24 15:00')): ApplicationState {
  const app = inReviewApp(input);
  const reviews = app.reviews.map((r): Review => ({ ...r, status: 'approved', decidedAt, decidedBy: chiefOf(r.department, r.centreCode), late: false }));
  return { ...app, reviews, stage: 'completed', completedAt: decidedAt, seq: app.seq + reviews.length + 2 };
}

/** The application in a stage it does not really reach this way: for the stage checks. */
export const inStep = (stage: Stage, input = JOINT): ApplicationState => ({ ...inReviewApp(input), stage });

/** The app with one department's review of the step under way changed. */
export const withReview = (app: ApplicationState, department: string, patch: Partial<Review>): ApplicationState => ({
  ...app,
  reviews: app.reviews.map((r) => (r.department === department && r.step === app.currentStep ? { ...r, ...patch } : r)),
});

export const stop = (type: ClockStopType, startedAt: string, more: Partial<ClockStop> = {}): ClockStop => ({
  type,
  reason: `${type} under way`,
  officer: windowOf(),
  startedAt,
  ...(type === 'supplement' ? { missingMaterials: ['消防验收意见书'] } : {}),
  ...more,
});

/** A department's clock stands still since `startedAt` (and the application's, if it did not already). */
export function stoppedFor(app: ApplicationState, department: string, type: ClockStopType = 'hearing', startedAt = china('2025-09-25 10:00')): ApplicationState {
  const review = app.reviews.find((r) => r.department === department && r.step === app.currentStep)!;
  return { ...withReview(app, department, { stops: [...review.stops, stop(type, startedAt)] }), stoppedSince: app.stoppedSince ?? startedAt };
}

// ---- tasks: whether a review's task is in its department's inbox yet ----------------------------

export const ALL_TASKS_OPEN = () => true;
export const tasksOpen = (...departments: string[]) => (review: Review) => departments.includes(review.department);

// ---- assertions ---------------------------------------------------------------------------------

/** A refusal of this kind whose message says this. */
export const refused = (type: RefusalType, part: string) => ({ type, message: expect.stringContaining(part) });

/** Applies a rule, and checks it left the state it was given as it was. */
export function applied(app: ApplicationState, apply: (app: ApplicationState) => Change): Change {
  const before = structuredClone(app);
  const result = apply(app);
  expect(app).toEqual(before);
  return result;
}

/** The transitions a rule should make at `at`, numbered after the application's last. */
export const numbered = (app: ApplicationState, at: string, drafts: Draft[]): TransitionEvent[] =>
  drafts.map((draft, i) => ({ seq: app.seq + i + 1, at, ...draft }));

/** A change that made exactly these transitions, numbered after `app.seq`, and moved `seq` on. */
export function expectEvents({ state, events }: Change, app: ApplicationState, at: string, drafts: Draft[]): void {
  expect(events).toEqual(numbered(app, at, drafts));
  expect(state.seq).toBe(app.seq + drafts.length);
}

/** Table rows named by their `case` (and the refusal `type` they expect): `it.each(named(rows))('refuses %s', (_, row) => …)`. */
export const named = <T extends { case: string; type?: string }>(rows: T[]): [string, T][] =>
  rows.map((row) => [row.type ? `${row.case} (${row.type})` : row.case, row]);
