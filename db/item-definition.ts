/**
 * What an item (事项) is: the one schema that the seed, the administrators' API, the CSV/JSON import
 * and the versions table share. The rules that span fields (limits, steps) are checked here too.
 */
import { z } from 'zod';
import { ITEM_CATEGORIES, ITEM_KINDS } from '../workflows/messages.js';
import { type FeeSchedule, MAX_FEN } from '../workflows/rules/fees.js';

export const CODE_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const days = z.number().int().min(0).max(365);
const text = (max: number) => z.string().trim().min(1).max(max);

/** Yellow is raised this many working days before the promised limit unless the item says otherwise. */
export const DEFAULT_WARNING_DAYS = 1;

const fen = z.number().int().min(0).max(MAX_FEN);
const feeBasis = z.object({ document: text(300), article: text(100).optional() });
const feeCode = z.string().regex(CODE_PATTERN, 'must be lower-case words joined by hyphens');

/** The fees an item charges (行政事业性收费), every amount in fen (workflows/rules/fees.ts). */
export const feeSchedule = z
  .object({
    assessAt: z.enum(['intake', 'decision']).describe('When the fee is assessed (核定): at intake (受理) or once every department approved (办结)'),
    assessedBy: z.enum(['rule', 'window']).describe('`rule`: every line is fixed and the workflow assesses it; `window`: the lead window assesses'),
    payBeforePickup: z.boolean().default(true).describe('The result is handed over only after payment'),
    paymentLimitDays: z.number().int().min(1).max(60).default(15).describe('Working days to pay, from the payment notice (缴款通知书)'),
    reminderDays: z.number().int().min(0).max(30).default(3).describe('The applicant is reminded this many working days before the payment deadline'),
    onOverdue: z
      .enum(['supervise', 'terminate'])
      .default('supervise')
      .describe('At the deadline: `supervise` lists the application to supervisors as unpaid; `terminate` (assessAt intake) also ends one still in review (终止办理)'),
    stopsClocks: z
      .boolean()
      .default(false)
      .describe('Waiting for payment stops the application’s clock (assessAt intake): its limits move by the working days it waited'),
    refundDays: z
      .number()
      .int()
      .min(0)
      .max(366)
      .default(0)
      .describe('Calendar days after the application closes in which a refund (退费) may still be asked; 0: only while it is open'),
    lines: z
      .array(
        z.object({
          code: feeCode,
          name: text(200),
          basis: feeBasis.describe('收费依据: the document and article that allow the charge'),
          standard: z.discriminatedUnion('type', [
            z.object({ type: z.literal('fixed'), amountFen: fen }),
            z.object({ type: z.literal('per_unit'), unit: text(20), unitFen: fen, freeUnits: z.number().int().min(0).max(1000).optional() }),
            z.object({
              type: z.literal('tiered'),
              unit: text(20),
              tiers: z.array(z.object({ upTo: z.number().int().min(1).optional(), unitFen: fen })).min(1).max(20),
            }),
          ]),
          payer: text(100).default('申请人'),
          optional: z.boolean().default(false).describe('The window decides whether the line applies (e.g. 住宅类 or 非住宅类)'),
        }),
      )
      .min(1)
      .max(20),
    reductions: z
      .array(z.object({ code: feeCode, name: text(200), basis: feeBasis, percent: z.number().int().min(1).max(100), lines: z.array(feeCode).min(1).optional() }))
      .max(20)
      .default([]),
  })
  .superRefine((schedule, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const codes = new Set<string>();
    schedule.lines.forEach((line, i) => {
      if (codes.has(line.code)) issue(['lines', i, 'code'], `${line.code} appears twice`);
      codes.add(line.code);
      if (schedule.assessedBy === 'rule' && (line.standard.type !== 'fixed' || line.optional)) {
        issue(['lines', i], 'a rule-assessed schedule has fixed lines that always apply; let the window assess the others');
      }
      if (line.standard.type === 'tiered') {
        const bounds = line.standard.tiers.map((t) => t.upTo);
        if (bounds.slice(0, -1).some((b) => b === undefined) || bounds.at(-1) !== undefined) {
          issue(['lines', i, 'standard', 'tiers'], 'the last tier, and only it, is open-ended (no upTo)');
        }
        if (bounds.some((b, j) => j > 0 && b !== undefined && b <= bounds[j - 1]!)) issue(['lines', i, 'standard', 'tiers'], 'the tiers must rise');
      }
    });
    schedule.reductions.forEach((reduction, i) =>
      reduction.lines?.forEach((code, j) => {
        if (!codes.has(code)) issue(['reductions', i, 'lines', j], `no fee line ${code}`);
      }),
    );
    if (schedule.assessedBy === 'rule' && schedule.reductions.length > 0) issue(['reductions'], 'a rule-assessed schedule has no reductions; let the window assess');
    // The approval's clocks end with the decision: only a fee assessed at intake can hold them or end the review.
    if (schedule.assessAt !== 'intake' && schedule.stopsClocks) issue(['stopsClocks'], 'only a fee assessed at intake can stop the clock (it ends at the decision)');
    if (schedule.assessAt !== 'intake' && schedule.onOverdue === 'terminate') issue(['onOverdue'], '`terminate` ends an application in review: the fee must be assessed at intake');
    if (schedule.reminderDays >= schedule.paymentLimitDays) issue(['reminderDays'], `must be less than paymentLimitDays (${schedule.paymentLimitDays})`);
  });

export const itemDefinition = z
  .object({
    code: z.string().regex(CODE_PATTERN, 'must be lower-case words joined by hyphens'),
    officialCode: z.string().trim().max(64).optional(),
    name: text(200),
    nameEn: text(300),
    /** The owning department, whose window takes the application in (一口受理). */
    department: text(64),
    kind: z.enum(ITEM_KINDS),
    /** 行政许可 licensing, 其他行政权力 other_power (non-licensing approvals, 备案, 确认 ...), 公共服务 public_service. */
    category: z
      .enum(ITEM_CATEGORIES)
      .default('licensing')
      .describe('What kind of power the item is: `licensing` (行政许可), `other_power` (其他行政权力, e.g. non-licensing approvals 非行政许可审批), `public_service` (公共服务)'),
    /** The levels of centre that take it in; a reported item is then decided one level up. */
    levels: z.array(z.enum(['region', 'city', 'county'])).min(1),
    legalBasis: text(2000),
    statutoryLimitDays: days,
    promisedLimitDays: days,
    /** Yellow (about to be overdue) is raised this many working days before the promised limit. */
    warningDays: days.default(DEFAULT_WARNING_DAYS),
    major: z.boolean().default(false),
    materials: z.array(z.object({ name: text(200), required: z.boolean().default(true) })).max(50).default([]),
    /** The fees as the service guide (办事指南) publishes them, in words. */
    fees: z.array(z.object({ name: text(200), amount: text(200), basis: text(500) })).max(20).default([]),
    feeSchedule: feeSchedule.optional().describe('The fees the application is charged and how (行政事业性收费): assessed, paid through the non-tax payment platform, receipted'),
    steps: z
      .array(
        z.object({
          name: text(100),
          departments: z.array(z.object({ code: text(64), promisedLimitDays: days })).min(1).max(20),
        }),
      )
      .min(1)
      .max(10)
      .describe('The steps of review, one after another; the departments of a step review in parallel (并联审批). A non-joint item has one step, reviewed by its own department.'),
    source: z.string().trim().max(2000).optional(),
  })
  .superRefine((item, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (item.promisedLimitDays > item.statutoryLimitDays) {
      issue(['promisedLimitDays'], `must not exceed statutoryLimitDays (${item.statutoryLimitDays})`);
    }
    if (item.kind === 'immediate' && item.promisedLimitDays !== 0) {
      issue(['promisedLimitDays'], 'an immediate item (即办件) is decided the same day: must be 0');
    }
    if (item.kind !== 'joint') {
      const [only] = item.steps;
      if (item.steps.length !== 1 || only.departments.length !== 1 || only.departments[0].code !== item.department) {
        issue(['steps'], `a ${item.kind} item has one step reviewed by its own department ${item.department}`);
      }
    } else if (!item.steps[0].departments.some((d) => d.code === item.department)) {
      issue(['steps', 0, 'departments'], `the lead department ${item.department} must review in the first step`);
    }
    if (item.kind === 'reported' && item.levels.includes('region')) {
      issue(['levels'], 'a reported item (上报件) is taken in below the regional centre');
    }
    let total = 0;
    item.steps.forEach((step, s) => {
      const seen = new Set<string>();
      step.departments.forEach((d, i) => {
        if (seen.has(d.code)) issue(['steps', s, 'departments', i, 'code'], `${d.code} appears twice in this step`);
        seen.add(d.code);
        if (d.promisedLimitDays > item.promisedLimitDays) {
          issue(['steps', s, 'departments', i, 'promisedLimitDays'], `must not exceed the item's promisedLimitDays (${item.promisedLimitDays})`);
        }
      });
      total += Math.max(...step.departments.map((d) => d.promisedLimitDays));
    });
    if (total > item.promisedLimitDays) {
      issue(['steps'], `the steps' limits add up to ${total} days, more than promisedLimitDays (${item.promisedLimitDays})`);
    }
  });

export type ItemDefinition = z.output<typeof itemDefinition>;
// The schema's schedule is the one the workflow charges by.
export type FeeScheduleMatches = z.output<typeof feeSchedule> extends FeeSchedule ? true : never;
const feeScheduleMatches: FeeScheduleMatches = true;
void feeScheduleMatches;
export type ItemDefinitionInput = z.input<typeof itemDefinition>;

/** Every department an item names must exist; returns the paths and messages of those that do not. */
export function unknownDepartments(item: ItemDefinition, known: ReadonlySet<string>) {
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (!known.has(item.department)) problems.push({ path: ['department'], message: `unknown department ${item.department}` });
  item.steps.forEach((step, s) =>
    step.departments.forEach((d, i) => {
      if (!known.has(d.code)) problems.push({ path: ['steps', s, 'departments', i, 'code'], message: `unknown department ${d.code}` });
    }),
  );
  return problems;
}

/** The materials an applicant must hand in for the item: its checklist's required ones. */
export const requiredMaterials = (item: Pick<ItemDefinition, 'materials'>) => item.materials.filter((m) => m.required).map((m) => m.name);

/** The departments that review an item, in step order, each once. */
export const itemDepartments = (item: ItemDefinition) => [...new Set(item.steps.flatMap((s) => s.departments.map((d) => d.code)))];
