/**
 * Follow-ups (督办) of bad ratings (差评) and complaints (投诉), workflows/rules/follow-ups.ts: each limit
 * counts working days at the centre where the follow-up arose, yellow one working day before it and red
 * at it; only the clock of the current stage runs, none while a dispute waits; a dismissed dispute
 * moves the rectification limit by the working days it waited; each action belongs to a kind and
 * stages, and to a department's leader or a supervisor of the centre or above.
 *
 * The calendar is the State Council's 2025 Dragon Boat notice: Saturday 31 May to Monday 2 June off,
 * no weekend worked. A follow-up opens on Thursday 29 May at 10:00 in China:
 *
 *   Thu 29 May opened (not counted) · Fri 30 (1) · Sat 31, Sun 1 Jun weekend · Mon 2 Jun holiday ·
 *   Tue 3 (2) · Wed 4 (3) contact red · … · Fri 13 (10) · … · Thu 19 (14) rectify yellow · Fri 20 (15)
 *   rectify red · Mon 23 (16) · Tue 24 (17) · Wed 25 (18) · Thu 26 (19) · Fri 27 (20)
 */
import { describe, expect, it } from 'vitest';
import type { Officer } from '../../workflows/messages.js';
import {
  CLOCK_OF,
  DEFAULT_FOLLOW_UP_LIMITS,
  FOLLOW_UP_ACTIONS,
  FOLLOW_UP_STAGES,
  type ClockName,
  type FollowUpAction,
  type FollowUpKind,
  type FollowUpLevel,
  type FollowUpRefusal,
  type FollowUpStage,
  type FollowUpState,
  authorityRefusal,
  clockOf,
  lateAcceptanceCaseId,
  lateCaseId,
  movedRectifyClock,
  nextMark,
  openingClocks,
  redOpensCase,
  stageRefusal,
  worseLevel,
} from '../../workflows/rules/follow-ups.js';
import { type CalendarSnapshot, WorkingCalendar } from '../../workflows/rules/working-days.js';
import { CENTRE, LEAD, OTHER_CENTRE, PARTNER, REGIONAL_CENTRE, chiefOf, china, endOf, integrator, leaderOf, named, officer, roleless, windowOf } from './fixtures.js';

const DRAGON_BOAT_2025: CalendarSnapshot = { daysOff: ['2025-06-02'], workingWeekends: [], publishedThrough: '2025-12-31' };
const calendar = new WorkingCalendar(DRAGON_BOAT_2025);

/** Thursday 29 May 2025, 10:00 in China. */
const OPENED = china('2025-05-29 10:00');

/** A county centre below CENTRE (青秀区 of Nanning). */
const COUNTY_CENTRE = '450103';

const supervisorAt = (centre: string) => officer('supervisor', null, centre);

/** A follow-up in a stage, with its opening clocks from OPENED and nothing raised yet. */
function followUp(kind: FollowUpKind, stage: FollowUpStage, patch: Partial<FollowUpState> = {}): FollowUpState {
  return {
    id: kind === 'bad_rating' ? 'FU-1' : 'FU-2',
    kind,
    stage,
    centreCode: CENTRE,
    department: kind === 'bad_rating' ? LEAD : null,
    assignee: kind === 'bad_rating' ? [leaderOf(LEAD)] : [],
    limits: DEFAULT_FOLLOW_UP_LIMITS,
    openedAt: OPENED,
    clocks: openingClocks(kind, DEFAULT_FOLLOW_UP_LIMITS, calendar, OPENED),
    stoppedDays: 0,
    level: 'green',
    raised: [],
    responsible: [],
    cases: [],
    version: 1,
    ...patch,
  };
}

describe('DEFAULT_FOLLOW_UP_LIMITS: contact in 3 working days, rectify in 15, accept a complaint in 2, investigate it in 15', () => {
  it('holds the national limits', () => {
    expect(DEFAULT_FOLLOW_UP_LIMITS).toEqual({ contactDays: 3, rectifyDays: 15, acceptDays: 2, investigateDays: 15 });
  });
});

describe('openingClocks: a bad rating starts its contact and rectification clocks, a complaint its acceptance clock, in working days', () => {
  it('counts a bad rating’s contact (3) and rectification (15) past the weekend and the Dragon Boat holiday', () => {
    expect(openingClocks('bad_rating', DEFAULT_FOLLOW_UP_LIMITS, calendar, OPENED)).toEqual({
      contact: { warnAt: endOf('2025-06-03'), due: endOf('2025-06-04') },
      rectify: { warnAt: endOf('2025-06-19'), due: endOf('2025-06-20') },
    });
  });

  it('counts a complaint’s acceptance (2) past them, warning at the end of the working day before (Friday, four days earlier); no investigation clock until it is accepted', () => {
    const clocks = openingClocks('complaint', DEFAULT_FOLLOW_UP_LIMITS, calendar, OPENED);
    expect(clocks).toEqual({ accept: { warnAt: endOf('2025-05-30'), due: endOf('2025-06-03') } });
    expect(clocks).not.toHaveProperty('investigate');
  });

  it('would end three days earlier if the weekend were worked and Monday no holiday: the days off push the limit', () => {
    const allWorked = new WorkingCalendar({ daysOff: [], workingWeekends: ['2025-05-31', '2025-06-01'], publishedThrough: '2025-12-31' });
    expect(openingClocks('bad_rating', DEFAULT_FOLLOW_UP_LIMITS, allWorked, OPENED).contact).toEqual({ warnAt: endOf('2025-05-31'), due: endOf('2025-06-01') });
    expect(openingClocks('complaint', DEFAULT_FOLLOW_UP_LIMITS, allWorked, OPENED).accept).toEqual({ warnAt: endOf('2025-05-30'), due: endOf('2025-05-31') });
  });

  it('takes a region’s own limits', () => {
    const regional = { ...DEFAULT_FOLLOW_UP_LIMITS, contactDays: 2, rectifyDays: 10, acceptDays: 1 };
    expect(openingClocks('bad_rating', regional, calendar, OPENED)).toEqual({
      contact: { warnAt: endOf('2025-05-30'), due: endOf('2025-06-03') },
      rectify: { warnAt: endOf('2025-06-12'), due: endOf('2025-06-13') },
    });
    expect(openingClocks('complaint', regional, calendar, OPENED)).toEqual({ accept: { due: endOf('2025-05-30') } });
  });
});

describe('clockOf: red at the end of the last working day of the limit, yellow at the end of the working day before it', () => {
  it.each(named([
    { case: '3 working days: yellow after the 2nd (Tue 3 Jun), red after the 3rd (Wed 4 Jun)', days: 3, clock: { warnAt: endOf('2025-06-03'), due: endOf('2025-06-04') } },
    { case: '2 working days: yellow after the 1st (Fri 30 May), red after the 2nd (Tue 3 Jun)', days: 2, clock: { warnAt: endOf('2025-05-30'), due: endOf('2025-06-03') } },
    { case: '15 working days: yellow after the 14th (Thu 19 Jun), red after the 15th (Fri 20 Jun)', days: 15, clock: { warnAt: endOf('2025-06-19'), due: endOf('2025-06-20') } },
  ]))('%s', (_, { days, clock }) => {
    expect(clockOf(calendar, OPENED, days)).toStrictEqual(clock);
  });

  it('has no yellow for a limit of 1 working day: only red, at the end of the next working day', () => {
    expect(clockOf(calendar, OPENED, 1)).toStrictEqual({ due: endOf('2025-05-30') });
  });

  it('has no yellow for a limit of 0 days: red at the end of the day it opened', () => {
    expect(clockOf(calendar, OPENED, 0)).toStrictEqual({ due: endOf('2025-05-29') });
  });

  it('counts from the next working day when it opens on a day off', () => {
    expect(clockOf(calendar, china('2025-05-31 10:00'), 1)).toStrictEqual({ due: endOf('2025-06-03') });
    expect(clockOf(calendar, china('2025-05-31 10:00'), 2)).toStrictEqual({ warnAt: endOf('2025-06-03'), due: endOf('2025-06-04') });
  });

  it('counts in China’s days: 23:30 on Thursday in China (15:30 UTC) is still Thursday', () => {
    expect(clockOf(calendar, china('2025-05-29 23:30'), 1)).toStrictEqual({ due: endOf('2025-05-30') });
    expect(clockOf(calendar, china('2025-05-30 00:30'), 1)).toStrictEqual({ due: endOf('2025-06-03') });
  });
});

describe('CLOCK_OF: which clock runs in which stage', () => {
  it('runs contact while contacting, rectify while rectifying, accept while received, investigate while investigating; none while disputed or closed', () => {
    expect(CLOCK_OF).toEqual({ contacting: 'contact', rectifying: 'rectify', disputed: undefined, received: 'accept', investigating: 'investigate', closed: undefined });
  });
});

describe('nextMark: the next mark of the running clock, each mark once, yellow before red', () => {
  const BAD = openingClocks('bad_rating', DEFAULT_FOLLOW_UP_LIMITS, calendar, OPENED);
  const ACCEPTED = china('2025-06-03 09:00');
  const investigate = clockOf(calendar, ACCEPTED, DEFAULT_FOLLOW_UP_LIMITS.investigateDays);

  it.each(named([
    { case: 'a bad rating being contacted: the contact clock’s yellow', state: followUp('bad_rating', 'contacting'), mark: { clock: 'contact', level: 'yellow', at: endOf('2025-06-03') } },
    { case: 'its yellow raised: the contact clock’s red', state: followUp('bad_rating', 'contacting', { raised: ['contact:yellow'] }), mark: { clock: 'contact', level: 'red', at: endOf('2025-06-04') } },
    { case: 'contacted: the rectification clock’s yellow, whatever the contact clock raised', state: followUp('bad_rating', 'rectifying', { raised: ['contact:yellow', 'contact:red'] }), mark: { clock: 'rectify', level: 'yellow', at: endOf('2025-06-19') } },
    { case: 'rectifying with its yellow raised: its red', state: followUp('bad_rating', 'rectifying', { raised: ['rectify:yellow'] }), mark: { clock: 'rectify', level: 'red', at: endOf('2025-06-20') } },
    { case: 'a complaint received: the acceptance clock’s yellow', state: followUp('complaint', 'received'), mark: { clock: 'accept', level: 'yellow', at: endOf('2025-05-30') } },
    {
      case: 'a complaint accepted: the investigation clock’s yellow, whatever the acceptance clock raised',
      state: followUp('complaint', 'investigating', { clocks: { ...openingClocks('complaint', DEFAULT_FOLLOW_UP_LIMITS, calendar, OPENED), investigate }, raised: ['accept:yellow', 'accept:red'] }),
      mark: { clock: 'investigate', level: 'yellow', at: investigate.warnAt },
    },
    { case: 'a limit of 1 working day (no yellow): straight to red', state: followUp('bad_rating', 'contacting', { clocks: { ...BAD, contact: clockOf(calendar, OPENED, 1) } }), mark: { clock: 'contact', level: 'red', at: endOf('2025-05-30') } },
  ]))('%s', (_, { state, mark }) => {
    expect(nextMark(state)).toEqual(mark);
  });

  it('pins the investigation clock of a complaint accepted on Tuesday 3 June: red after 15 working days (Tue 24 Jun)', () => {
    expect(investigate).toEqual({ warnAt: endOf('2025-06-23'), due: endOf('2025-06-24') });
  });

  it.each(named([
    { case: 'both marks of the running clock raised', state: followUp('bad_rating', 'contacting', { raised: ['contact:yellow', 'contact:red'] }) },
    { case: 'its red raised without its yellow (no yellow after red)', state: followUp('bad_rating', 'rectifying', { raised: ['rectify:red'] }) },
    { case: 'a 1-day limit whose red is raised', state: followUp('complaint', 'received', { clocks: { accept: clockOf(calendar, OPENED, 1) }, raised: ['accept:red'] }) },
    { case: 'a dispute waiting (no clock runs)', state: followUp('bad_rating', 'disputed') },
    { case: 'a closed bad rating, nothing raised', state: followUp('bad_rating', 'closed', { outcome: 'rectified' }) },
    { case: 'a closed complaint, nothing raised', state: followUp('complaint', 'closed', { outcome: 'not_accepted' }) },
    { case: 'an accepted complaint whose investigation clock is not set', state: followUp('complaint', 'investigating') },
  ]))('gives none for %s', (_, { state }) => {
    expect(nextMark(state)).toBeUndefined();
  });
});

describe('movedRectifyClock: a dismissed dispute moves the rectification limit by the working days it waited', () => {
  it.each(named([
    {
      case: 'waiting Mon 9 to Fri 13 June (Tue–Fri, 4 working days): red after the 19th working day (Thu 26 Jun)',
      stoppedDays: 0, disputedAt: china('2025-06-09 10:00'), at: china('2025-06-13 15:00'),
      moved: { clock: { warnAt: endOf('2025-06-25'), due: endOf('2025-06-26') }, stoppedDays: 4 },
    },
    {
      case: 'waiting Fri 30 May to Wed 4 June across the weekend and the holiday: only Tue and Wed count (2)',
      stoppedDays: 0, disputedAt: china('2025-05-30 16:00'), at: china('2025-06-04 11:00'),
      moved: { clock: { warnAt: endOf('2025-06-23'), due: endOf('2025-06-24') }, stoppedDays: 2 },
    },
    {
      case: 'a second dispute adds to the days the first stood still (3 + 2 = 5): red after the 20th working day (Fri 27 Jun)',
      stoppedDays: 3, disputedAt: china('2025-06-16 10:00'), at: china('2025-06-18 10:00'),
      moved: { clock: { warnAt: endOf('2025-06-26'), due: endOf('2025-06-27') }, stoppedDays: 5 },
    },
    {
      case: 'a dispute dismissed the day it was raised does not move the limit',
      stoppedDays: 0, disputedAt: china('2025-06-09 09:00'), at: china('2025-06-09 17:00'),
      moved: { clock: { warnAt: endOf('2025-06-19'), due: endOf('2025-06-20') }, stoppedDays: 0 },
    },
    {
      case: 'a dispute dismissed on a day off counts only the working days up to it (Mon 2 Jun is a holiday: 0)',
      stoppedDays: 0, disputedAt: china('2025-05-30 10:00'), at: china('2025-06-02 10:00'),
      moved: { clock: { warnAt: endOf('2025-06-19'), due: endOf('2025-06-20') }, stoppedDays: 0 },
    },
  ]))('%s', (_, { stoppedDays, disputedAt, at, moved }) => {
    const state = followUp('bad_rating', 'disputed', { stoppedDays, disputedAt });
    expect(movedRectifyClock(state, calendar, at)).toStrictEqual(moved);
  });

  it('counts from the opening with the follow-up’s own rectification limit, not the default', () => {
    const state = followUp('bad_rating', 'disputed', { limits: { ...DEFAULT_FOLLOW_UP_LIMITS, rectifyDays: 10 }, disputedAt: china('2025-06-09 10:00') });
    // 10 working days end Fri 13 June; 4 more (Tue 10 – Fri 13) end Thu 19 June.
    expect(movedRectifyClock(state, calendar, china('2025-06-13 15:00'))).toStrictEqual({ clock: { warnAt: endOf('2025-06-18'), due: endOf('2025-06-19') }, stoppedDays: 4 });
  });

  it('leaves the marks already raised: a rectification yellow raised before the dispute is not raised again at the moved limit', () => {
    const state = followUp('bad_rating', 'disputed', { disputedAt: china('2025-06-09 10:00'), raised: ['rectify:yellow'] });
    const { clock } = movedRectifyClock(state, calendar, china('2025-06-13 15:00'));
    expect(nextMark({ ...state, stage: 'rectifying', clocks: { ...state.clocks, rectify: clock } })).toEqual({ clock: 'rectify', level: 'red', at: endOf('2025-06-26') });
  });
});

describe('stageRefusal: each action belongs to one kind and to its stages; nothing changes a closed follow-up', () => {
  /** The expected rule, written out: the kind of each action and the stages it is possible in. */
  const RULE: Record<FollowUpAction, { kind: FollowUpKind; stages: FollowUpStage[] }> = {
    contact: { kind: 'bad_rating', stages: ['contacting'] },
    conclude: { kind: 'bad_rating', stages: ['rectifying'] },
    reviewDispute: { kind: 'bad_rating', stages: ['disputed'] },
    withdraw: { kind: 'bad_rating', stages: ['contacting', 'rectifying', 'disputed'] },
    accept: { kind: 'complaint', stages: ['received'] },
    findings: { kind: 'complaint', stages: ['investigating'] },
  };
  const other = (kind: FollowUpKind): FollowUpKind => (kind === 'bad_rating' ? 'complaint' : 'bad_rating');

  it('knows every action', () => {
    expect([...FOLLOW_UP_ACTIONS].sort()).toEqual(Object.keys(RULE).sort());
  });

  const ofItsKind = FOLLOW_UP_ACTIONS.flatMap((action) =>
    FOLLOW_UP_STAGES.map((stage): [FollowUpAction, FollowUpStage, FollowUpRefusal['code'] | undefined] => [
      action,
      stage,
      stage === 'closed' ? 'follow_up_closed' : RULE[action].stages.includes(stage) ? undefined : 'wrong_stage',
    ]),
  );
  it.each(ofItsKind)('%s in stage %s: %s', (action, stage, code) => {
    expect(stageRefusal({ id: 'FU-1', kind: RULE[action].kind, stage }, action)?.code).toBe(code);
  });

  const ofTheOtherKind = FOLLOW_UP_ACTIONS.flatMap((action) => FOLLOW_UP_STAGES.map((stage): [FollowUpAction, FollowUpStage] => [action, stage]));
  it.each(ofTheOtherKind)('%s on the other kind in stage %s (closed too): wrong_kind before anything else', (action, stage) => {
    expect(stageRefusal({ id: 'FU-1', kind: other(RULE[action].kind), stage }, action)?.code).toBe('wrong_kind');
  });

  it('says why', () => {
    expect(stageRefusal({ id: 'FU-1', kind: 'bad_rating', stage: 'rectifying' }, 'contact')).toEqual({ code: 'wrong_stage', message: 'the contact back (回访) is not possible: FU-1 is rectifying' });
    expect(stageRefusal({ id: 'FU-1', kind: 'bad_rating', stage: 'closed' }, 'conclude')).toEqual({ code: 'follow_up_closed', message: 'FU-1 is closed; nothing can change it' });
    expect(stageRefusal({ id: 'FU-2', kind: 'complaint', stage: 'received' }, 'contact')).toEqual({ code: 'wrong_kind', message: 'FU-2 is a complaint: the contact back (回访) belongs to a bad rating' });
    expect(stageRefusal({ id: 'FU-1', kind: 'bad_rating', stage: 'contacting' }, 'accept')).toEqual({ code: 'wrong_kind', message: 'FU-1 is a bad rating: accepting the complaint (受理) belongs to a complaint' });
  });
});

describe('authorityRefusal: a bad rating is followed up by a leader of its department at its centre; a dispute and a complaint by a supervisor of the centre or above', () => {
  const assigned = { centreCode: CENTRE, department: LEAD, assignee: [leaderOf(LEAD)] };
  const unassigned = { centreCode: CENTRE, department: LEAD, assignee: [] };
  const complaint = { centreCode: CENTRE, department: null, assignee: [] };
  const LEADER_ONLY = 'a bad rating is followed up by a leader of market_regulation at 450100';
  const SUPERVISOR_HERE = 'nobody leads the department here, so a supervisor of 450100 follows it up';
  const SUPERVISOR_ABOVE = 'only a supervisor of 450100 or above may do this';

  describe.each<['contact' | 'conclude']>([['contact'], ['conclude']])('%s of a bad rating whose department has a leader', (action) => {
    it.each(named<{ case: string; officer: Officer }>([
      { case: 'the assigned leader', officer: leaderOf(LEAD) },
      { case: 'another leader of the department at the centre, not in the assignee list', officer: { ...leaderOf(LEAD), id: 'leader-2', name: '副局长' } },
    ]))('lets %s', (_, { officer }) => {
      expect(authorityRefusal(assigned, action, officer)).toBeUndefined();
    });

    it.each(named<{ case: string; officer: Officer }>([
      { case: 'a leader of another department', officer: leaderOf(PARTNER) },
      { case: 'the department’s leader at a sibling centre', officer: leaderOf(LEAD, OTHER_CENTRE) },
      { case: 'the department’s leader at the regional centre above (no prefix scope for a leader)', officer: leaderOf(LEAD, REGIONAL_CENTRE) },
      { case: 'the department’s chief representative', officer: chiefOf(LEAD) },
      { case: 'the department’s window officer', officer: windowOf(LEAD) },
      { case: 'a supervisor of the centre (the leader follows it up)', officer: supervisorAt(CENTRE) },
      { case: 'a supervisor of the regional centre', officer: supervisorAt(REGIONAL_CENTRE) },
      { case: 'an integrator', officer: integrator() },
    ]))('refuses %s', (_, { officer }) => {
      expect(authorityRefusal(assigned, action, officer)).toEqual({ code: 'not_authorised', message: expect.stringContaining(LEADER_ONLY) });
    });
  });

  describe.each<['contact' | 'conclude']>([['contact'], ['conclude']])('%s of a bad rating whose department has no leader (nobody assigned)', (action) => {
    it.each(named<{ case: string; officer: Officer }>([
      { case: 'a supervisor of the centre', officer: supervisorAt(CENTRE) },
      { case: 'a supervisor of the regional centre above', officer: supervisorAt(REGIONAL_CENTRE) },
    ]))('lets %s', (_, { officer }) => {
      expect(authorityRefusal(unassigned, action, officer)).toBeUndefined();
    });

    it.each(named<{ case: string; officer: Officer }>([
      { case: 'a leader of the department (none is assigned)', officer: leaderOf(LEAD) },
      { case: 'a supervisor of a sibling centre', officer: supervisorAt(OTHER_CENTRE) },
      { case: 'a supervisor of a county centre below', officer: supervisorAt(COUNTY_CENTRE) },
      { case: 'a supervisor without a centre', officer: { id: 'supervisor/none', role: 'supervisor' } },
    ]))('refuses %s', (_, { officer }) => {
      expect(authorityRefusal(unassigned, action, officer)).toEqual({ code: 'not_authorised', message: expect.stringContaining(SUPERVISOR_HERE) });
    });
  });

  const supervisorActions: [FollowUpAction, { centreCode: string; department: string | null; assignee: Officer[] }][] = [
    ['reviewDispute', assigned],
    ['accept', complaint],
    ['findings', { ...complaint, assignee: [supervisorAt(CENTRE)] }],
  ];
  describe.each(supervisorActions)('%s: a supervisor of the centre or above', (action, state) => {
    it.each(named<{ case: string; officer: Officer }>([
      { case: 'a supervisor of the centre', officer: supervisorAt(CENTRE) },
      { case: 'another supervisor of the centre', officer: { ...supervisorAt(CENTRE), id: 'supervisor-2' } },
      { case: 'a supervisor of the regional centre above (prefix 45)', officer: supervisorAt(REGIONAL_CENTRE) },
    ]))('lets %s', (_, { officer }) => {
      expect(authorityRefusal(state, action, officer)).toBeUndefined();
    });

    it.each(named<{ case: string; officer: Officer }>([
      { case: 'a supervisor of a sibling centre', officer: supervisorAt(OTHER_CENTRE) },
      { case: 'a supervisor of a county centre below', officer: supervisorAt(COUNTY_CENTRE) },
      { case: 'a supervisor without a centre', officer: { id: 'supervisor/none', role: 'supervisor' } },
      { case: 'the department’s assigned leader', officer: leaderOf(LEAD) },
      { case: 'the department’s chief representative', officer: chiefOf(LEAD) },
      { case: 'an officer without a role', officer: roleless },
      { case: 'an integrator', officer: integrator() },
    ]))('refuses %s', (_, { officer }) => {
      expect(authorityRefusal(state, action, officer)).toEqual({ code: 'not_authorised', message: expect.stringContaining(SUPERVISOR_ABOVE) });
    });
  });

  it('lets a supervisor of a city centre act on a follow-up of a county centre below it', () => {
    expect(authorityRefusal({ ...complaint, centreCode: COUNTY_CENTRE }, 'accept', supervisorAt(CENTRE))).toBeUndefined();
    expect(authorityRefusal({ ...complaint, centreCode: COUNTY_CENTRE }, 'accept', supervisorAt(OTHER_CENTRE))?.code).toBe('not_authorised');
  });

  it('names the officer in the refusal', () => {
    expect(authorityRefusal(complaint, 'accept', leaderOf(LEAD))?.message).toBe(
      'department_leader/market_regulation/450100 (department_leader of market_regulation at 450100): only a supervisor of 450100 or above may do this',
    );
  });

  it.each(named<{ case: string; officer: Officer }>([
    { case: 'an integrator', officer: integrator() },
    { case: 'an officer without a role', officer: roleless },
    { case: 'a supervisor of a sibling centre', officer: supervisorAt(OTHER_CENTRE) },
  ]))('refuses nobody a withdrawal (the applicant’s changed rating withdraws it), not even %s', (_, { officer }) => {
    expect(authorityRefusal(assigned, 'withdraw', officer)).toBeUndefined();
  });
});

describe('worseLevel: the worse of two levels, green < yellow < red', () => {
  it.each<[FollowUpLevel, FollowUpLevel, FollowUpLevel]>([
    ['green', 'green', 'green'],
    ['green', 'yellow', 'yellow'],
    ['green', 'red', 'red'],
    ['yellow', 'green', 'yellow'],
    ['yellow', 'yellow', 'yellow'],
    ['yellow', 'red', 'red'],
    ['red', 'green', 'red'],
    ['red', 'yellow', 'red'],
    ['red', 'red', 'red'],
  ])('%s and %s: %s', (a, b, worse) => expect(worseLevel(a, b)).toBe(worse));
});

describe('redOpensCase: every passed limit opens a case; a complaint’s acceptance only in runs from the patch follow-up-late-acceptance-case (workflows/follow-up.ts), which opens its own lateAcceptanceCaseId', () => {
  it.each<[ClockName, boolean]>([
    ['contact', true],
    ['rectify', true],
    ['accept', false],
    ['investigate', true],
  ])('%s: %s', (clock, opens) => expect(redOpensCase(clock)).toBe(opens));
});

describe('lateCaseId: a bad rating’s late case has its id; a complaint’s `<id>/late`, its id kept for the substantiation case', () => {
  it.each<[FollowUpKind, string]>([
    ['bad_rating', 'FU-7'],
    ['complaint', 'FU-7/late'],
  ])('%s: %s', (kind, id) => expect(lateCaseId({ id: 'FU-7', kind })).toBe(id));

  it('gives the same case for a bad rating’s contact and rectification limits: one late case per follow-up', () => {
    expect(lateCaseId(followUp('bad_rating', 'contacting'))).toBe('FU-1');
    expect(lateCaseId(followUp('bad_rating', 'rectifying'))).toBe('FU-1');
  });

describe('lateAcceptanceCaseId: a complaint left unaccepted has a case of its own, apart from the late investigation’s', () => {
  it('is `<id>/late-accept`', () => {
    expect(lateAcceptanceCaseId({ id: 'C-20260529-1' })).toBe('C-20260529-1/late-accept');
    expect(lateAcceptanceCaseId({ id: 'C-20260529-1' })).not.toBe(lateCaseId({ id: 'C-20260529-1', kind: 'complaint' }));
  });
});
});
