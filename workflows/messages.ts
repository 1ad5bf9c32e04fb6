/**
 * The application workflow's contract: its input, its state and the messages a window sends it.
 * The API imports these definitions (never their names as strings); this file imports only
 * workflow-safe modules so both sides may share it.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { FeeAdjustmentUpdate, FeeAssessmentUpdate, FeePayment, FeeSchedule, FeeState, RefundDecision, RefundReport, RefundRequest } from './rules/fees.js';

/** The one task queue that the worker polls and the API starts workflows on (overridable per process). */
export const DEFAULT_TASK_QUEUE = 'onewindow-applications';

/** Where an application is in its life. */
export const STAGES = [
  'submitted', // waiting for intake (受理) at the lead department's window
  'supplement_requested', // intake asked for more material (补正); the applicant must resubmit
  'in_review', // accepted; the departments review in parallel (并联审批)
  'completed', // every department approved: completed (办结), waiting for pickup (取件)
  'picked_up', // the applicant collected the result; the workflow has ended
  'rejected', // a department rejected it; the other reviews were withdrawn
  'not_accepted', // intake refused to accept it (不予受理)
] as const;
export type Stage = (typeof STAGES)[number];
export const CLOSED_STAGES: readonly Stage[] = ['picked_up', 'rejected', 'not_accepted'];

export const REVIEW_STATUSES = ['open', 'approved', 'rejected', 'withdrawn'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/**
 * An officer as the API authenticated them: the role, centre and department come from the organisation
 * and let the workflow's validators check their authority again (workflows/rules/authority.ts).
 */
export interface Officer {
  id: string;
  name?: string;
  role?: string;
  centreCode?: string;
  departmentCode?: string | null;
  /** The window the officer acted at, when they sit at one. */
  windowCode?: string;
}

export interface Applicant {
  type: 'person' | 'organisation';
  name: string;
  /** 居民身份证号 for a person, 统一社会信用代码 for an organisation. */
  idNumber: string;
  phone?: string;
}

/** 即办件 immediate, 承诺件 promised, 联办件 joint, 上报件 reported (DOMAIN.md, "Item kinds"). */
export const ITEM_KINDS = ['immediate', 'promised', 'joint', 'reported'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/**
 * What kind of power an item is: 行政许可 administrative licensing, 其他行政权力 other administrative
 * powers (non-licensing approvals 非行政许可审批, 备案, 确认, 年检 ...), 公共服务 public service.
 */
export const ITEM_CATEGORIES = ['licensing', 'other_power', 'public_service'] as const;
export type ItemCategory = (typeof ITEM_CATEGORIES)[number];

/** The item as it was when the application was submitted: catalogue edits never reach a running application. */
export interface ItemSnapshot {
  code: string;
  version: number;
  name: string;
  /** 即办件 immediate, 承诺件 promised, 联办件 joint, 上报件 reported. */
  kind: ItemKind;
  /** The owning department, whose window takes the application in (受理). */
  department: string;
  /** A major item is decided by a department leader, not the chief representative. */
  major: boolean;
  statutoryLimitDays: number;
  promisedLimitDays: number;
  /** Yellow is raised this many working days before the promised limit. */
  warningDays: number;
  /**
   * The materials the applicant must hand in (the item's checklist): an application lacking one is not
   * accepted. Absent in applications submitted before the check.
   */
  requiredMaterials?: string[];
  /** The fees it charges (行政事业性收费, workflows/rules/fees.ts); absent when it charges none, and in applications submitted before fees. */
  feeSchedule?: FeeSchedule;
}

/** One department's review, placed at the centre that decides it (the parent centre for a reported item). */
export interface ReviewPlan {
  department: string;
  centreCode: string;
  promisedLimitDays: number;
}

/**
 * The steps of review run one after another; the departments of a step review in parallel (并联审批).
 * (DOMAIN.md calls a joint item's steps its stages; in the code a stage is where the application is in
 * its life, `Stage`.)
 */
export interface StepPlan {
  name: string;
  reviews: ReviewPlan[];
}

export interface ApplicationInput {
  applicationNo: string;
  /** The centre whose window takes the application in. */
  centreCode: string;
  item: ItemSnapshot;
  steps: StepPlan[];
  applicant: Applicant;
  materials: string[];
  clientReference?: string;
  /** Who submitted it: `integrator:<key id>` or `officer:<id>` (absent before authentication). */
  submittedBy?: string;
  submittedAt: string;
  /** The consultation (咨询) it came from: its officer is the first responsible person (首问负责制). */
  consultation?: { id: number; officer: Officer };
}

/** The supervision levels, in rising gravity (电子监察: green, yellow = about to be overdue, red = overdue). */
export const ALERT_LEVELS = ['yellow', 'red', 'statutory_red'] as const;
export const SUPERVISION_LEVELS = ['green', ...ALERT_LEVELS] as const;
export type SupervisionLevel = (typeof SUPERVISION_LEVELS)[number];
export type AlertLevel = (typeof ALERT_LEVELS)[number];

/** The instants a limit ends, counted in working days (workflows/rules/working-days.ts). */
export interface Deadlines {
  /** Yellow: the warning threshold before the promised limit; absent when the limit is too short. */
  warnAt?: string;
  promisedDue: string;
  statutoryDue: string;
  /** True when a due instant falls beyond the published holiday calendar. */
  provisional: boolean;
}

export interface Alert {
  level: AlertLevel;
  /** The department whose review is late; absent for the application as a whole. */
  department?: string;
  step?: number;
  at: string;
  /** Who answers for it: the officer handling it and the department's chief representative or leader. */
  responsible: Officer[];
}

/**
 * What stops a clock: the applicant supplying missing materials (补正), or a procedure that the
 * Administrative Licensing Law (art. 45) excludes from the limit.
 */
export const CLOCK_STOPS = [
  'supplement', // 补正
  'hearing', // 听证
  'tendering', // 招标
  'auction', // 拍卖
  'inspection', // 检验
  'testing', // 检测
  'quarantine', // 检疫
  'appraisal', // 鉴定
  'expert_review', // 专家评审
] as const;
export type ClockStopType = (typeof CLOCK_STOPS)[number];

export interface ClockStop {
  type: ClockStopType;
  reason: string;
  officer: Officer;
  startedAt: string;
  endedAt?: string;
  /** Working days the clock stood still; every due instant moves by them. */
  workingDays?: number;
  /** What the applicant is told the procedure needs, in working days. */
  expectedDays?: number;
  /** A supplement request lists every missing material at once (一次性告知). */
  missingMaterials?: string[];
  /** Why a second supplement request for the same review was needed; flagged to supervisors. */
  repeatReason?: string;
}

export interface Review {
  /** Index of the step in the item's steps. */
  step: number;
  department: string;
  centreCode: string;
  promisedLimitDays: number;
  status: ReviewStatus;
  deadlines?: Deadlines;
  /** Who answers for this review while it is open (from the organisation, at opening). */
  responsible?: Officer[];
  /** Decided after its promised limit had passed: accepted, but kept marked late. */
  late?: boolean;
  stops: ClockStop[];
  stoppedDays: number;
  openedAt?: string;
  decidedAt?: string;
  decidedBy?: Officer;
  reason?: string;
  /** An approval with conditions (附条件): what the applicant must observe; printed in the decision (准予行政许可决定书). */
  conditions?: string;
}

export interface IntakeRecord {
  decision: IntakeDecision['decision'];
  officer: Officer;
  at: string;
  reason?: string;
  missingMaterials?: string[];
}

export interface ApplicationState {
  applicationNo: string;
  itemCode: string;
  itemVersion: number;
  kind: ItemKind;
  centreCode: string;
  leadDepartment: string;
  stage: Stage;
  /** The step of review under way (or last reached), an index into the item's steps. */
  currentStep: number;
  stepCount: number;
  materials: string[];
  /** Every intake decision in order: a supplement request is followed by another intake. */
  intakes: IntakeRecord[];
  supplements: { at: string; materials: string[]; note?: string }[];
  reviews: Review[];
  deadlines?: Deadlines;
  /** The statutory limit extended once by a department leader (延期, Administrative Licensing Law art. 42). */
  extension?: { officer: Officer; reason: string; workingDays: number; at: string };
  /** How long the decision took, counted like the limits (stopped time excluded). */
  timing?: { workingDays: number; calendarDays: number; onTime: boolean; withinStatutory: boolean };
  /** Since when the application's clock stands still (some review of the step is stopped). */
  stoppedSince?: string;
  stoppedDays: number;
  supervision: SupervisionLevel;
  alerts: Alert[];
  /** The officer who accepted the application answers for it (首问负责制). */
  responsibleOfficer?: Officer;
  submittedAt: string;
  acceptedAt?: string;
  completedAt?: string;
  pickedUpAt?: string;
  handover?: Handover;
  closedAt?: string;
  /** What the applicant owes and has paid, for an item with a fee schedule. */
  fees?: FeeState;
  /** Sequence number of the last transition: the read model is keyed by it. */
  seq: number;
}

/** One transition, as kept in the append-only events table. */
export interface TransitionEvent {
  seq: number;
  type: string;
  at: string;
  /** With `department`: which review (the step and department) the event is about. */
  step?: number;
  department?: string;
  actor?: Officer;
  data?: Record<string, unknown>;
}

/** The event every application starts with, numbered 1: its submission. */
export const submittedEvent = (input: ApplicationInput): TransitionEvent => ({ seq: 1, type: 'submitted', at: input.submittedAt });

export type IntakeDecision =
  | { decision: 'accept'; department: string; officer: Officer }
  | { decision: 'not_accept'; department: string; officer: Officer; reason: string }
  | { decision: 'request_supplement'; department: string; officer: Officer; missingMaterials: string[]; reason?: string };

export interface Supplement {
  materials: string[];
  note?: string;
  /** Who hands it in: the submitting integrator (`integrator:<key id>`) or a window of the lead department. */
  officer?: Officer;
}

export interface ReviewDecision {
  department: string;
  officer: Officer;
  decision: 'approve' | 'reject';
  reason?: string;
  /** An approval with conditions (附条件); absent in decisions recorded before it existed. */
  conditions?: string;
}

export interface ClockStopRequest {
  department: string;
  officer: Officer;
  type: ClockStopType;
  reason: string;
  missingMaterials?: string[];
  expectedDays?: number;
  repeatReason?: string;
}

export interface ClockResumeRequest {
  department: string;
  officer: Officer;
  note?: string;
}

export interface Extension {
  officer: Officer;
  reason: string;
  workingDays: number;
}

export interface Pickup {
  officer: Officer;
  /** Who collected the result: the applicant or their agent. */
  recipient?: string;
  /** The window checked the recipient's identity document. */
  idChecked?: boolean;
  /** The number of the licence or certificate handed over (证照编号). */
  licenceNo?: string;
}

/** The result handed over at pickup (取件), as the window recorded it. */
export type Handover = Omit<Pickup, 'officer'> & { officer: Officer };

export const intakeUpdate = defineUpdate<ApplicationState, [IntakeDecision]>('intake');
export const supplementUpdate = defineUpdate<ApplicationState, [Supplement]>('supplement');
export const decisionUpdate = defineUpdate<ApplicationState, [ReviewDecision]>('decision');
export const pickupUpdate = defineUpdate<ApplicationState, [Pickup]>('pickup');
/** The lead window assesses the fee (核定), with the payment notice the API had the platform issue. */
export const assessFeeUpdate = defineUpdate<ApplicationState, [FeeAssessmentUpdate]>('assessFee');
/** A leader of the lead department waives or reduces an unpaid fee. */
export const adjustFeeUpdate = defineUpdate<ApplicationState, [FeeAdjustmentUpdate]>('adjustFee');
/** The payment platform reported a payment (verified by the API); a repeated report changes nothing. */
export const paymentUpdate = defineUpdate<ApplicationState, [FeePayment]>('payment');
/** The lead window asks for a refund (退费) of a paid fee, with a reason. */
export const requestRefundUpdate = defineUpdate<ApplicationState, [RefundRequest]>('requestRefund');
/** A leader of the lead department approves or rejects a requested refund. */
export const decideRefundUpdate = defineUpdate<ApplicationState, [RefundDecision]>('decideRefund');
/** The payment platform reported a refund paid back (verified by the API); a repeated report changes nothing. */
export const refundedUpdate = defineUpdate<ApplicationState, [RefundReport]>('refunded');
export const stopClockUpdate = defineUpdate<ApplicationState, [ClockStopRequest]>('stopClock');
export const resumeClockUpdate = defineUpdate<ApplicationState, [ClockResumeRequest]>('resumeClock');
export const extendUpdate = defineUpdate<ApplicationState, [Extension]>('extend');
/** The holiday calendar changed (a new year's notice): due instants are computed again. */
export const recalculateUpdate = defineUpdate<ApplicationState, []>('recalculate');
/**
 * The same as a signal, which the API sends: it is durable at once and needs no worker to answer, so
 * loading a year's notice never waits on thousands of running applications.
 */
export const recalculateSignal = defineSignal('recalculateDeadlines');

export const stateQuery = defineQuery<ApplicationState>('state');

/** What the read model should hold of an application, as its workflow has it (db/reconcile.ts compares the two). */
export interface ApplicationRecord {
  input: ApplicationInput;
  state: ApplicationState;
  /** Every transition, numbered from 1 (the submission). */
  events: TransitionEvent[];
  /** The last sequence number whose write to the read model has completed; the rest are on their way. */
  writtenSeq: number;
}
export const recordQuery = defineQuery<ApplicationRecord>('record');

/** The kinds of refusal a window may meet; the API maps each to 409 with the workflow's message. */
export const REFUSALS = {
  wrongStage: 'WrongStage',
  unknownDepartment: 'UnknownDepartment',
  alreadyDecided: 'AlreadyDecided',
  notLeadDepartment: 'NotLeadDepartment',
  stepNotOpen: 'StepNotOpen',
  /** The department reviews this step, but its task is not open yet (just accepted): retry shortly. */
  reviewNotOpen: 'ReviewNotOpen',
  clockStopped: 'ClockAlreadyStopped',
  clockRunning: 'ClockNotStopped',
  repeatedSupplement: 'RepeatedSupplement',
  alreadyExtended: 'AlreadyExtended',
  extensionTooLong: 'ExtensionTooLong',
  missingReason: 'MissingReason',
  /** A required material of the item has not been handed in: ask for every missing one at once (一次性告知). */
  missingMaterials: 'MissingMaterials',
  /** The item charges no fee. */
  noFees: 'NoFees',
  /** The fee cannot be assessed, waived or reduced now, or not as asked. */
  feeNotAssessable: 'FeeNotAssessable',
  /** Pickup waits for payment (the item hands the result over only after payment). */
  feeUnpaid: 'FeeUnpaid',
  /** A payment names a notice the application does not have. */
  unknownNotice: 'UnknownNotice',
  /** A payment names a notice already paid, superseded, waived or cancelled. */
  noticeNotPayable: 'NoticeNotPayable',
  /** A payment's amount is not its notice's. */
  amountMismatch: 'AmountMismatch',
  /** The application is closed, and what was asked cannot follow it there (a refund past the item's refund period). */
  applicationClosed: 'ApplicationClosed',
  /** The acting officer may not do this (workflows/rules/authority.ts); the API answers 403. */
  notAuthorised: 'NotAuthorised',
} as const;

/** Search attributes registered on the server at start, so `temporal workflow list --query` finds applications. */
export const searchAttributes = {
  stage: defineSearchAttributeKey('OneWindowStage', SearchAttributeType.KEYWORD),
  centre: defineSearchAttributeKey('OneWindowCentre', SearchAttributeType.KEYWORD),
  item: defineSearchAttributeKey('OneWindowItem', SearchAttributeType.KEYWORD),
  departments: defineSearchAttributeKey('OneWindowDepartments', SearchAttributeType.KEYWORD_LIST),
  /** green, yellow, red or statutory_red: the worst alert the application has raised. */
  supervision: defineSearchAttributeKey('OneWindowSupervision', SearchAttributeType.KEYWORD),
  promisedDue: defineSearchAttributeKey('OneWindowPromisedDue', SearchAttributeType.DATETIME),
  statutoryDue: defineSearchAttributeKey('OneWindowStatutoryDue', SearchAttributeType.DATETIME),
};
