/**
 * Authority at the window, workflows/rules/authority.ts: departments move their approval power into
 * the centre; a window officer, chief representative or leader acts only for their own department at
 * their own centre; the chief representative decides ordinary items, a leader major ones (and extends
 * the limit); a supplement comes from whoever submitted the application or the lead department's window.
 * Each rule answers with the reason for a refusal, or undefined.
 */
import { describe, expect, it } from 'vitest';
import type { Officer } from '../../workflows/messages.js';
import { WINDOW_ROLES, actsFor, centrePrefix, mayDecide, mayExtend, mayHandIn, withinCentre } from '../../workflows/rules/authority.js';
import {
  CENTRE, LEAD, OTHER_CENTRE, PARTNER, REGIONAL_CENTRE, administrator, auditAdministrator, chiefOf, integrator, leaderOf, named, officer,
  roleless, securityAdministrator, supervisor, windowOf
} from './fixtures.js';

const review = { department: PARTNER, centreCode: CENTRE };

describe('actsFor: a window officer, chief representative or leader acts only for their own department at their own centre', () => {
  it.each(named([
    { case: 'a supervisor', officer: supervisor, reason: "supervisor/-/450100 (supervisor of no department at 450100) does not work at a department's window" },
    { case: 'a system administrator', officer: administrator, reason: "does not work at a department's window" },
    { case: 'a security administrator', officer: securityAdministrator, reason: "does not work at a department's window" },
    { case: 'an audit administrator', officer: auditAdministrator, reason: "does not work at a department's window" },
    { case: 'an administrator claiming the department', officer: { ...securityAdministrator, departmentCode: LEAD }, reason: "does not work at a department's window" },
    { case: 'an officer without a role', officer: roleless, reason: "nobody/market_regulation/450100 (no role of market_regulation at 450100) does not work at a department's window" },
    { case: 'an integrator', officer: integrator(), reason: "integrator:7 (no role of no department at no centre) does not work at a department's window" },
    { case: 'the chief representative of another department', officer: chiefOf(PARTNER), reason: 'chief_representative/health/450100 (chief_representative of health at 450100) cannot act for market_regulation' },
    { case: 'a window officer without a department', officer: officer('window_officer', null), reason: 'cannot act for market_regulation' },
    { case: 'the department’s officer at another centre', officer: windowOf(LEAD, OTHER_CENTRE), reason: 'cannot act at centre 450100' },
    { case: 'the department’s leader at the regional centre above', officer: leaderOf(LEAD, REGIONAL_CENTRE), reason: 'cannot act at centre 450100' },
  ]))('refuses %s', (_, { officer, reason }) => {
    expect(actsFor(officer, LEAD, CENTRE)).toContain(reason);
  });

  it.each(WINDOW_ROLES.map((role) => [role]))('lets the department’s %s act', (role) => {
    expect(actsFor(officer(role), LEAD, CENTRE)).toBeUndefined();
  });
});

describe('mayDecide: the chief representative decides ordinary items; a major item needs a department leader', () => {
  it.each(named([
    { case: 'another department’s chief representative', officer: chiefOf(LEAD), major: false, reason: 'cannot act for health' },
    { case: 'the chief representative at another centre', officer: chiefOf(PARTNER, OTHER_CENTRE), major: false, reason: 'cannot act at centre 450100' },
    { case: 'the window officer on an ordinary item', officer: windowOf(PARTNER), major: false, reason: "a decision is made by health's chief representative or leader; window_officer/health/450100 is a window_officer" },
    { case: 'the chief representative on a major item', officer: chiefOf(PARTNER), major: true, reason: 'a major item is decided by a leader of health; chief_representative/health/450100 is a chief_representative' },
    { case: 'the window officer on a major item', officer: windowOf(PARTNER), major: true, reason: 'a major item is decided by a leader of health' },
  ]))('refuses %s', (_, { officer, major, reason }) => {
    expect(mayDecide(officer, review, major)).toContain(reason);
  });

  it.each(named([
    { case: 'the chief representative decide an ordinary item', officer: chiefOf(PARTNER), major: false },
    { case: 'a leader decide an ordinary item', officer: leaderOf(PARTNER), major: false },
    { case: 'a leader decide a major item', officer: leaderOf(PARTNER), major: true },
  ]))('lets %s', (_, { officer, major }) => {
    expect(mayDecide(officer, review, major)).toBeUndefined();
  });
});

describe('mayExtend: a leader of the lead department at the accepting centre', () => {
  it.each(named([
    { case: 'the lead department’s chief representative', officer: chiefOf(), reason: 'only a leader of market_regulation may extend the limit; chief_representative/market_regulation/450100 is a chief_representative' },
    { case: 'the lead department’s window officer', officer: windowOf(), reason: 'only a leader of market_regulation may extend the limit' },
    { case: 'a leader of another department', officer: leaderOf(PARTNER), reason: 'cannot act for market_regulation' },
    { case: 'the lead department’s leader at another centre', officer: leaderOf(LEAD, OTHER_CENTRE), reason: 'cannot act at centre 450100' },
    { case: 'a supervisor', officer: supervisor, reason: "does not work at a department's window" },
  ]))('refuses %s', (_, { officer, reason }) => {
    expect(mayExtend(officer, LEAD, CENTRE)).toContain(reason);
  });

  it('lets the lead department’s leader extend', () => expect(mayExtend(leaderOf(), LEAD, CENTRE)).toBeUndefined());
});

describe('mayHandIn: whoever submitted the application, or the lead department’s window', () => {
  const clerk: Officer = { ...officer('window_officer', PARTNER), id: 'clerk-1' };

  it.each(named([
    { case: 'a supplement naming no one', officer: undefined, submittedBy: 'integrator:7', reason: 'a supplement names who hands it in' },
    { case: 'another integrator', officer: integrator('8'), submittedBy: 'integrator:7', reason: "integrator:8 (no role of no department at no centre) does not work at a department's window" },
    { case: 'an integrator, for an application submitted at a window', officer: integrator('7'), submittedBy: 'officer:clerk-1', reason: "does not work at a department's window" },
    { case: 'an integrator, when no submitter is recorded', officer: integrator('7'), submittedBy: undefined, reason: "does not work at a department's window" },
    { case: 'a window of another department that did not submit it', officer: windowOf(PARTNER), submittedBy: 'integrator:7', reason: 'cannot act for market_regulation' },
    { case: 'the lead department’s window at another centre', officer: windowOf(LEAD, OTHER_CENTRE), submittedBy: 'integrator:7', reason: 'cannot act at centre 450100' },
  ]))('refuses %s', (_, { officer, submittedBy, reason }) => {
    expect(mayHandIn(officer, submittedBy, LEAD, CENTRE)).toContain(reason);
  });

  it.each(named([
    { case: 'the integrator that submitted it', officer: integrator('7'), submittedBy: 'integrator:7' },
    { case: 'the officer who submitted it, of any department', officer: clerk, submittedBy: 'officer:clerk-1' },
    { case: 'the lead department’s window', officer: windowOf(), submittedBy: 'integrator:7' },
    { case: 'the lead department’s window, when no submitter is recorded', officer: windowOf(), submittedBy: undefined },
  ]))('lets %s hand it in', (_, { officer, submittedBy }) => {
    expect(mayHandIn(officer, submittedBy, LEAD, CENTRE)).toBeUndefined();
  });
});

describe('centres: a centre and every centre below it share the prefix of its code (450000 ⊃ 450100 ⊃ 450102)', () => {
  it.each([
    ['450000', '45'],
    ['450100', '4501'],
    ['450102', '450102'],
  ])('the prefix of %s is %s', (code, prefix) => expect(centrePrefix(code)).toBe(prefix));

  it.each<[string, string, boolean]>([
    ['450000', '450000', true],
    ['450000', '450102', true],
    ['450100', '450102', true],
    ['450100', '450100', true],
    ['450100', '450200', false],
    ['450102', '450100', false],
  ])('within %s, %s is %s', (scope, centre, within) => expect(withinCentre(scope, centre)).toBe(within));
});
