/**
 * Extension (延期), workflows/rules/extension.ts (Administrative Licensing Law art. 42): a leader of
 * the lead department extends the statutory limit once, with a reason, by up to 10 working days, a
 * joint item's (联办件) by up to 15.
 */
import { describe, expect, it } from 'vitest';
import { type Extension, type ItemKind, type Officer, REFUSALS } from '../../workflows/messages.js';
import { extend, extensionRefusal, maxExtensionDays } from '../../workflows/rules/extension.js';
import {
  DUE, JOINT, LEAD, OTHER_CENTRE, PARTNER, PROMISED, applied, calendar, chiefOf, china, completedApp, endOf, expectEvents,
  inReviewApp, leaderOf, named, refused, supervisor, windowOf, withReview
} from './fixtures.js';

const extension = (workingDays: number, officer: Officer = leaderOf(), reason = '需现场核查'): Extension => ({ officer, reason, workingDays });
const EXTENDED_AT = china('2025-09-24 15:00');

describe('maxExtensionDays: 10 working days, a joint item’s 15', () => {
  it.each<[ItemKind, number]>([
    ['immediate', 10],
    ['promised', 10],
    ['reported', 10],
    ['joint', 15],
  ])('a %s item may be extended by up to %i', (kind, days) => expect(maxExtensionDays(kind)).toBe(days));
});

describe('extensionRefusal: a leader of the lead department extends the statutory limit once, with a reason', () => {
  const joint = inReviewApp(JOINT);
  const promised = inReviewApp(PROMISED);
  const extended = { ...joint, extension: { ...extension(3), at: EXTENDED_AT } };

  it.each(named([
    { case: 'an application not in review', app: completedApp(), extension: extension(3), type: REFUSALS.wrongStage, part: `Extending the limit is not possible: application ${JOINT.applicationNo} is completed` },
    { case: "the lead department's chief representative", app: joint, extension: extension(3, chiefOf()), type: REFUSALS.notAuthorised, part: 'only a leader of market_regulation may extend the limit; chief_representative/market_regulation/450100 is a chief_representative' },
    { case: "the lead department's window officer", app: joint, extension: extension(3, windowOf()), type: REFUSALS.notAuthorised, part: 'is a window_officer' },
    { case: 'a leader of a reviewing department that does not lead', app: joint, extension: extension(3, leaderOf(PARTNER)), type: REFUSALS.notAuthorised, part: 'cannot act for market_regulation' },
    { case: "the lead department's leader at another centre", app: joint, extension: extension(3, leaderOf(LEAD, OTHER_CENTRE)), type: REFUSALS.notAuthorised, part: 'cannot act at centre 450100' },
    { case: 'a supervisor', app: joint, extension: extension(3, supervisor), type: REFUSALS.notAuthorised, part: "does not work at a department's window" },
    { case: 'a second extension', app: extended, extension: extension(3), type: REFUSALS.alreadyExtended, part: `The statutory limit was already extended on ${EXTENDED_AT}` },
    { case: 'an extension without a reason', app: joint, extension: extension(3, leaderOf(), '  '), type: REFUSALS.missingReason, part: 'An extension needs a reason' },
    { case: "more than 10 days on a promised item", app: promised, extension: extension(11), type: REFUSALS.extensionTooLong, part: "A promised item's statutory limit may be extended by 1 to 10 working days" },
    { case: 'more than 15 days on a joint item', app: joint, extension: extension(16), type: REFUSALS.extensionTooLong, part: "A joint item's statutory limit may be extended by 1 to 15 working days" },
    { case: 'no days at all', app: joint, extension: extension(0), type: REFUSALS.extensionTooLong, part: 'by 1 to 15 working days' },
  ]))('refuses %s', (_, { app, extension, type, part }) => {
    expect(extensionRefusal(app, extension)).toEqual(refused(type, part));
  });

  it.each(named([
    { case: 'a wrong stage, before authority', app: completedApp(), extension: extension(3, chiefOf()), type: REFUSALS.wrongStage },
    { case: 'authority, before a second extension', app: extended, extension: extension(3, chiefOf()), type: REFUSALS.notAuthorised },
    { case: 'a second extension, before its length', app: extended, extension: extension(99), type: REFUSALS.alreadyExtended },
    { case: 'the missing reason, before the length', app: joint, extension: extension(99, leaderOf(), ''), type: REFUSALS.missingReason },
  ]))('reports %s', (_, { app, extension, type }) => {
    expect(extensionRefusal(app, extension)?.type).toBe(type);
  });

  it.each(named([
    { case: 'a promised item by 10 days', app: promised, extension: extension(10) },
    { case: 'a joint item by 15 days', app: joint, extension: extension(15) },
    { case: 'a joint item by a single day', app: joint, extension: extension(1) },
  ]))('lets the lead department’s leader extend %s', (_, { app, extension }) => {
    expect(extensionRefusal(app, extension)).toBeUndefined();
  });
});

describe('extend', () => {
  it('lengthens the statutory limit by the working days; the promise stays; open reviews follow', () => {
    const app = withReview(inReviewApp(), LEAD, { status: 'approved', decidedAt: china('2025-09-23 10:00') });
    const granted = extension(3);
    const result = applied(app, (a) => extend(a, JOINT.item, granted, calendar, EXTENDED_AT));
    // Statutory 5 + 3 = 8 working days from Mon 22 Sep: 23–26, 28 (worked Sunday), 29, 30 Sep, then 9 Oct after the holiday.
    const moved = { ...DUE, statutoryDue: endOf('2025-10-09') };
    expect(result.state).toEqual({
      ...app,
      extension: { ...granted, at: EXTENDED_AT },
      deadlines: moved,
      reviews: [app.reviews[0], { ...app.reviews[1], deadlines: moved }],
      seq: app.seq + 1,
    });
    expectEvents(result, app, EXTENDED_AT, [{ type: 'statutory_limit_extended', actor: leaderOf(), data: { ...granted } }]);
  });

  it('adds the extension to the days a clock stood still', () => {
    const app = { ...inReviewApp(), stoppedDays: 2 };
    const { state } = applied(app, (a) => extend(a, JOINT.item, extension(3), calendar, EXTENDED_AT));
    // 5 + 2 + 3 = 10 working days: Sat 11 Oct, worked (调休).
    expect(state.deadlines?.statutoryDue).toBe(endOf('2025-10-11'));
  });
});
