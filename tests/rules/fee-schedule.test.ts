/**
 * The fee schedule as the catalogue takes it (db/item-definition.ts): the item's own rules for the
 * payment deadline, the clock and refunds after closing, with their defaults, and the combinations
 * refused because the approval's clocks end at the decision.
 */
import { describe, expect, it } from 'vitest';
import { feeSchedule } from '../../db/item-definition.js';
import { named } from './fixtures.js';

const basis = { document: '测试收费依据' };
const atIntake = {
  assessAt: 'intake',
  assessedBy: 'rule',
  lines: [{ code: 'card', name: '工本费', basis, standard: { type: 'fixed', amountFen: 1000 } }],
};

describe('feeSchedule: the item’s rules for waiting, the deadline and refunds', () => {
  it('defaults to today’s behaviour: the clock runs, the deadline is supervised, no refunds after closing', () => {
    const parsed = feeSchedule.parse(atIntake);
    expect([parsed.stopsClocks, parsed.onOverdue, parsed.refundDays]).toEqual([false, 'supervise', 0]);
  });

  it('takes a fee assessed at intake that stops the clock, terminates at the deadline and refunds for 30 days', () => {
    const parsed = feeSchedule.parse({ ...atIntake, stopsClocks: true, onOverdue: 'terminate', refundDays: 30 });
    expect([parsed.stopsClocks, parsed.onOverdue, parsed.refundDays]).toEqual([true, 'terminate', 30]);
  });

  it.each(named([
    { case: 'a fee assessed at the decision that stops the clock', schedule: { ...atIntake, assessAt: 'decision', stopsClocks: true }, path: 'stopsClocks', part: 'only a fee assessed at intake' },
    { case: 'a fee assessed at the decision that terminates', schedule: { ...atIntake, assessAt: 'decision', onOverdue: 'terminate' }, path: 'onOverdue', part: 'assessed at intake' },
    { case: 'an unknown rule at the deadline', schedule: { ...atIntake, onOverdue: 'close' }, path: 'onOverdue', part: 'supervise' },
    { case: 'a refund period of more than a year', schedule: { ...atIntake, refundDays: 367 }, path: 'refundDays', part: '366' },
    { case: 'a negative refund period', schedule: { ...atIntake, refundDays: -1 }, path: 'refundDays', part: '0' },
  ]))('refuses %s, naming the field', (_, { schedule, path, part }) => {
    const result = feeSchedule.safeParse(schedule);
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path.join('.') === path);
    expect(issue?.message).toContain(part);
  });
});
