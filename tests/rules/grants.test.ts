/**
 * Who may grant a role, api/grants.ts (三员, GB/T 22239): only a security administrator, never to
 * themselves; within their centre and below; a centre's three administrators and its supervisors only
 * from a centre above (before and after the change). Each row: the grantor, the record as it is (none:
 * created) and as it would be, and the refusal's reason or undefined.
 */
import { describe, expect, it } from 'vitest';
import { type OfficerPlace, below, grantRefusal, grantTarget } from '../../api/grants.js';
import type { OfficerRole } from '../../db/schema/index.js';
import { named } from './fixtures.js';

const at = (id: string, role: OfficerRole, centreCode = id.slice(0, 6)): OfficerPlace => ({ id, role, centreCode });
const REGION_SECURITY = at('450000-security', 'security_administrator');
const CITY_SECURITY = at('450100-security', 'security_administrator');

describe('grantRefusal', () => {
  it.each(named([
    { case: 'a window role at their own centre', grantor: CITY_SECURITY, before: undefined, after: at('450100-x', 'window_officer') },
    { case: 'a promotion to department leader at their own centre', grantor: CITY_SECURITY, before: at('450100-x', 'window_officer'), after: at('450100-x', 'department_leader') },
    { case: 'a window role at a county below', grantor: CITY_SECURITY, before: undefined, after: at('450102-x', 'chief_representative') },
    { case: 'an audit administrator at a city below', grantor: REGION_SECURITY, before: undefined, after: at('450100-x', 'audit_administrator') },
    { case: 'a supervisor at a county below', grantor: CITY_SECURITY, before: undefined, after: at('450102-x', 'supervisor') },
    { case: 'a city security administrator made an auditor', grantor: REGION_SECURITY, before: at('450100-x', 'security_administrator'), after: at('450100-x', 'audit_administrator') },
    { case: 'a window officer moved down and made the county’s system administrator', grantor: CITY_SECURITY, before: at('450100-x', 'window_officer'), after: at('450100-x', 'system_administrator', '450102') },
  ]))('allows %s', (_, { grantor, before, after }) => {
    expect(grantRefusal(grantor, before, after)).toBeUndefined();
  });

  it.each(named([
    { case: 'a system administrator', grantor: at('450100-admin', 'system_administrator'), before: undefined, after: at('450100-x', 'window_officer'), reason: 'only a security administrator grants roles' },
    { case: 'an audit administrator', grantor: at('450100-auditor', 'audit_administrator'), before: undefined, after: at('450100-x', 'window_officer'), reason: 'only a security administrator grants roles' },
    { case: 'a supervisor', grantor: at('450100-supervisor', 'supervisor'), before: undefined, after: at('450100-x', 'window_officer'), reason: 'only a security administrator grants roles' },
    { case: 'themselves supervision', grantor: CITY_SECURITY, before: CITY_SECURITY, after: at('450100-security', 'supervisor'), reason: 'their own officer record' },
    { case: 'themselves a new name', grantor: CITY_SECURITY, before: CITY_SECURITY, after: CITY_SECURITY, reason: 'their own officer record' },
    { case: 'the regional one itself, at the top', grantor: REGION_SECURITY, before: REGION_SECURITY, after: at('450000-security', 'department_leader'), reason: 'their own officer record' },
    { case: 'an audit administrator at their own centre', grantor: CITY_SECURITY, before: undefined, after: at('450100-x', 'audit_administrator'), reason: 'only by a security administrator of a centre above it' },
    { case: 'a security administrator at their own centre', grantor: CITY_SECURITY, before: undefined, after: at('450100-x', 'security_administrator'), reason: 'above it' },
    { case: 'a supervisor at their own centre', grantor: CITY_SECURITY, before: undefined, after: at('450100-x', 'supervisor'), reason: 'above it' },
    { case: 'the demotion of their centre’s auditor', grantor: CITY_SECURITY, before: at('450100-auditor', 'audit_administrator'), after: at('450100-auditor', 'window_officer'), reason: 'above it' },
    { case: 'the rename of their centre’s system administrator', grantor: CITY_SECURITY, before: at('450100-admin', 'system_administrator'), after: at('450100-admin', 'system_administrator'), reason: 'above it' },
    { case: 'a county administrator moved up to their own centre', grantor: CITY_SECURITY, before: at('450102-x', 'system_administrator'), after: at('450102-x', 'system_administrator', '450100'), reason: 'above it' },
    { case: 'a window role at another city', grantor: CITY_SECURITY, before: undefined, after: at('450200-x', 'window_officer'), reason: 'may not grant roles at centre 450200' },
    { case: 'an officer taken from another city', grantor: CITY_SECURITY, before: at('450200-x', 'window_officer'), after: at('450200-x', 'window_officer', '450100'), reason: 'may not grant roles at centre 450200' },
  ]))('refuses %s', (_, { grantor, before, after, reason }) => {
    expect(grantRefusal(grantor, before, after)).toContain(reason);
  });
});

describe('below and grantTarget', () => {
  it('puts a centre below those whose code prefix it shares, never below itself', () => {
    expect([below('450000', '450100'), below('450100', '450102'), below('450100', '450100'), below('450100', '450200'), below('450102', '450100')]).toEqual([true, true, false, false, false]);
  });

  it('names the officer and the role change', () => {
    expect(grantTarget(undefined, at('450100-x', 'window_officer'))).toBe('450100-x role none→window_officer');
    expect(grantTarget(at('450100-x', 'window_officer'), at('450100-x', 'department_leader'))).toBe('450100-x role window_officer→department_leader');
    expect(grantTarget(at('450100-x', 'window_officer'), at('450100-x', 'window_officer'))).toBe('450100-x role window_officer');
  });
});
