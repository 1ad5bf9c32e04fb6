/** The API's request and response schemas: validation, types and the OpenAPI document from one source. */
import { z } from 'zod';
import { isCreditCode, isResidentId } from './identity.js';
import { ALERT_LEVELS, CLOCK_STOPS, ITEM_CATEGORIES, REVIEW_STATUSES, STAGES, SUPERVISION_LEVELS } from '../workflows/messages.js';

const code = (what: string) => z.string().trim().min(1).max(64).describe(what);

export const officer = z
  .object({
    id: z.string().trim().min(1).max(64),
    name: z.string().trim().max(100).optional(),
    role: z.string().optional(),
    centreCode: z.string().optional(),
    departmentCode: z.string().nullable().optional(),
  })
  .meta({ id: 'Officer', description: 'An officer as the record names them: the authenticated caller who acted.' });

export const applicant = z
  .object({
    type: z.enum(['person', 'organisation']),
    name: z.string().trim().min(1).max(200),
    idNumber: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[0-9A-Z]{18}$/, 'must be an 18-character resident ID number or unified social credit code')
      .describe('居民身份证号 for a person, 统一社会信用代码 for an organisation; the check character is verified'),
    phone: z.string().trim().max(32).optional(),
  })
  .superRefine((a, ctx) => {
    const valid = a.type === 'person' ? isResidentId(a.idNumber) : isCreditCode(a.idNumber);
    if (!valid && /^[0-9A-Z]{18}$/.test(a.idNumber)) {
      ctx.addIssue({
        code: 'custom',
        path: ['idNumber'],
        message: a.type === 'person' ? 'is not a valid resident ID number (date or check digit)' : 'is not a valid unified social credit code (check character)',
      });
    }
  })
  .meta({ id: 'Applicant' });

/** As shown: in lists the number is masked. */
const applicantView = z
  .object({ type: z.enum(['person', 'organisation']), name: z.string(), idNumber: z.string(), phone: z.string().optional() })
  .meta({ id: 'ApplicantView' });

export const submission = z
  .object({
    itemCode: code('The item (事项) applied for'),
    centreCode: code('The service centre whose window receives it'),
    applicant,
    materials: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
    clientReference: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .optional()
      .describe('The integrator’s own id; sending it again returns the same application and starts nothing'),
    consultationId: z.number().int().positive().optional().describe('The consultation (咨询) this application follows'),
  })
  .meta({ id: 'Submission' });

export const applicationNoParams = z.object({ no: z.string().min(1).max(64) });

const clock = z.object({
  warnAt: z.string().nullable().describe('Yellow: the warning threshold before the promised limit'),
  promisedDueAt: z.string().nullable(),
  statutoryDueAt: z.string().nullable(),
  remainingMs: z.number().nullable().describe('Until the promised limit while the clock runs; negative when overdue'),
});

const clockStopView = z
  .object({
    type: z.enum(CLOCK_STOPS),
    reason: z.string(),
    officer,
    startedAt: z.string(),
    endedAt: z.string().optional(),
    workingDays: z.number().int().optional().describe('Working days the clock stood still'),
    expectedDays: z.number().int().optional(),
    missingMaterials: z.array(z.string()).optional(),
    repeatReason: z.string().optional(),
  })
  .meta({ id: 'ClockStop' });

export const clockStop = z
  .object({
    type: z.enum(CLOCK_STOPS).describe('supplement (补正) or a procedure excluded from the limit by art. 45'),
    reason: z.string().trim().min(1).max(1000),
    missingMaterials: z.array(z.string().trim().min(1).max(200)).min(1).max(100).optional(),
    expectedDays: z.number().int().min(0).max(365).optional().describe('Working days the applicant is told the procedure needs'),
    repeatReason: z.string().trim().min(1).max(1000).optional().describe('Required for a second supplement request'),
  })
  .refine((s) => s.type !== 'supplement' || !!s.missingMaterials, {
    path: ['missingMaterials'],
    message: 'a supplement request lists every missing material at once (一次性告知)',
  })
  .meta({ id: 'ClockStopRequest' });

export const extension = z
  .object({
    reason: z.string().trim().min(1).max(1000),
    workingDays: z.number().int().min(1).max(15).describe('At most 10 (15 for a joint item), once (art. 42)'),
  })
  .meta({ id: 'Extension' });

export const clockResume = z.object({ note: z.string().trim().max(1000).optional() }).meta({ id: 'ClockResumeRequest' });

export const alert = z
  .object({
    applicationNo: z.string(),
    seq: z.number().int().describe("The application's transition that raised it: a case is opened from an alert by it"),
    url: z.string(),
    level: z.enum(ALERT_LEVELS),
    centreCode: z.string(),
    department: z.string().nullable(),
    step: z.number().nullable().describe("Index of the item's step of review (0-based) of the late review; null for the application as a whole"),
    at: z.string(),
    responsible: z.array(officer),
  })
  .meta({ id: 'Alert' });

export const review = z
  .object({
    step: z.number().int().describe("Index of the item's step of review (0-based): the departments of a step review in parallel, steps one after another"),
    department: z.string(),
    centreCode: z.string().describe('The centre that decides this review'),
    status: z.enum(REVIEW_STATUSES),
    decision: z.enum(['approve', 'reject']).nullable().describe('The department’s decision: approve (approved), reject (rejected); null while open or withdrawn'),
    openedAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decidedBy: officer.nullable(),
    reason: z.string().nullable(),
    conditions: z.string().nullable().describe('An approval with conditions (附条件)'),
    deadlines: clock.extend({ stoppedDays: z.number().int() }),
    stops: z.array(clockStopView),
    late: z.boolean().describe('Decided after its promised limit'),
    responsible: z.array(officer),
  })
  .meta({ id: 'Review' });

export const application = z
  .object({
    applicationNo: z.string(),
    url: z.string(),
    itemCode: z.string(),
    itemVersion: z.number().int(),
    centreCode: z.string(),
    leadDepartment: z.string(),
    stage: z.enum(STAGES),
    supervision: z.enum(SUPERVISION_LEVELS),
    applicant: applicantView,
    materials: z.array(z.string()),
    clientReference: z.string().nullable(),
    consultationId: z.number().nullable(),
    responsibleOfficer: officer.nullable(),
    submittedAt: z.string(),
    acceptedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    pickedUpAt: z.string().nullable(),
    handover: z
      .object({ officer, recipient: z.string().optional(), idChecked: z.boolean().optional(), licenceNo: z.string().optional() })
      .nullable()
      .describe('The result handed over at pickup (取件): by which officer, to whom, whether the identity was checked, the licence or certificate number'),
    closedAt: z.string().nullable(),
    deadlines: clock.extend({ provisional: z.boolean(), stoppedSince: z.string().nullable(), stoppedDays: z.number().int() }),
    timing: z
      .object({ workingDays: z.number(), calendarDays: z.number().nullable(), onTime: z.boolean().nullable(), withinStatutory: z.boolean().nullable() })
      .nullable()
      .describe('How long the decision took (working days exclude stopped time)'),
    reviews: z.array(review),
    holdingUp: z
      .object({ department: z.string(), centreCode: z.string(), promisedDueAt: z.string(), overdue: z.boolean() })
      .nullable()
      .describe('The open review nearest to (or furthest past) its promised limit: who holds the application up'),
    alerts: z.array(alert),
  })
  .meta({ id: 'Application' });

/** The workflow's own state, as its query returns it (`?live=1`). */
export const liveState = z
  .object({
    applicationNo: z.string(),
    stage: z.enum(STAGES),
    seq: z.number(),
  })
  .loose()
  .meta({ id: 'LiveApplicationState' });

export const listQuery = z.object({
  centre: z.string().optional(),
  within: z.enum(['0', '1']).optional().describe('1: the centre and every centre below it, as the day’s table counts'),
  stage: z.enum(STAGES).optional(),
  item: z.string().optional(),
  category: z
    .enum(ITEM_CATEGORIES)
    .optional()
    .describe('Only applications submitted under an item version of this category: `licensing` (行政许可), `other_power` (其他行政权力), `public_service` (公共服务)'),
  department: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
});

export const applicationPage = z
  .object({ applications: z.array(application.omit({ reviews: true, alerts: true, holdingUp: true })), nextCursor: z.string().nullable() })
  .meta({ id: 'ApplicationPage' });

export const intake = z
  .discriminatedUnion('decision', [
    z.object({ decision: z.literal('accept'), department: code('Lead department') }),
    z.object({
      decision: z.literal('not_accept'),
      department: code('Lead department'),
      reason: z.string().trim().min(1).max(1000),
    }),
    z.object({
      decision: z.literal('request_supplement'),
      department: code('Lead department'),
      missingMaterials: z.array(z.string().trim().min(1).max(200)).min(1).max(100),
      reason: z.string().trim().max(1000).optional(),
    }),
  ])
  .meta({ id: 'IntakeDecision', description: 'accept (受理), not_accept (不予受理) or request_supplement (补正)' });

export const supplement = z
  .object({
    materials: z.array(z.string().trim().min(1).max(200)).min(1).max(100),
    note: z.string().trim().max(1000).optional(),
  })
  .meta({ id: 'Supplement' });

export const decisionParams = applicationNoParams.extend({ department: z.string().min(1).max(64) });

export const decision = z
  .object({
    decision: z.enum(['approve', 'reject']),
    reason: z.string().trim().max(1000).optional(),
    conditions: z.string().trim().min(1).max(2000).optional().describe('An approval with conditions (附条件): printed in the 准予行政许可决定书'),
  })
  .refine((d) => d.decision !== 'reject' || !!d.reason, { path: ['reason'], message: 'a rejection needs a reason' })
  .refine((d) => d.decision === 'approve' || d.conditions === undefined, { path: ['conditions'], message: 'only an approval carries conditions' })
  .meta({ id: 'ReviewDecision' });

export const pickup = z
  .object({
    recipient: z.string().trim().max(200).optional().describe('Who collected the result: the applicant or their agent'),
    idChecked: z.boolean().optional().describe("The window checked the recipient's identity document"),
    licenceNo: z.string().trim().min(1).max(100).optional().describe('The number of the licence or certificate handed over (证照编号)'),
  })
  .meta({ id: 'Pickup' });

export const inboxTask = z
  .object({
    applicationNo: z.string(),
    url: z.string(),
    itemCode: z.string(),
    itemName: z.string(),
    major: z.boolean().describe('A major item is decided by a department leader, not the chief representative'),
    centreCode: z.string(),
    step: z.number().int(),
    department: z.string(),
    reviewCentreCode: z.string(),
    openedAt: z.string().nullable(),
    promisedDueAt: z.string().nullable().describe("The end of this review's promised limit"),
    statutoryDueAt: z.string().nullable().describe("The end of the application's statutory limit"),
    clockStopped: z.boolean().describe("This review's clock stands still (a supplement or an art. 45 procedure)"),
    applicantName: z.string(),
    materials: z.array(z.string()).describe('What the applicant has handed in'),
  })
  .meta({ id: 'InboxTask' });
