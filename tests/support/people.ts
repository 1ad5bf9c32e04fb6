/**
 * Who acts in the tests: the seeded staff by their ids, and valid identity numbers that no two tests
 * share. No Temporal runtime or server is touched here.
 */
import { readFileSync } from 'node:fs';
import { creditCodeCheck, residentIdCheck } from '../../api/identity.js';
import { itemDefinition, requiredMaterials } from '../../db/item-definition.js';
import type { Officer } from '../../workflows/messages.js';

let serial = Math.floor(Math.random() * 1000);

/** A valid, unique resident ID number (born 1990–1999 in Nanning), so tests never share an applicant. */
export function uniqueIdNumber(): string {
  serial += 1;
  const birth = `199${serial % 10}0${1 + (serial % 9)}1${serial % 9}`;
  const first17 = `450102${birth}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  return first17 + residentIdCheck(first17);
}

/** A valid, unique unified social credit code of a Guangxi company. */
export function uniqueCreditCode(): string {
  const body = `91450100${Array.from({ length: 9 }, () => '0123456789ABCDEFGHJKLMNPQRTUWXY'[Math.floor(Math.random() * 31)]).join('')}`;
  return body + creditCodeCheck(body);
}

const SEEDED_ITEMS = (JSON.parse(readFileSync(new URL('../../db/seed/items.json', import.meta.url), 'utf8')) as { items: { code: string }[] }).items;

/** Every material a seeded item requires (none for an item a test made), as a complete application hands in. */
export const materialsOf = (itemCode: string) => {
  const item = SEEDED_ITEMS.find((i) => i.code === itemCode);
  return item ? requiredMaterials(itemDefinition.parse(item)) : [];
};

/** A complete application of a seeded item (a company start-up unless told), from a unique applicant. */
export function submission(overrides: Record<string, unknown> = {}) {
  const itemCode = (overrides.itemCode as string | undefined) ?? 'company-startup';
  return {
    itemCode,
    centreCode: '450100',
    applicant: { type: 'organisation', name: '南宁青禾科技有限公司', idNumber: uniqueCreditCode() },
    materials: materialsOf(itemCode),
    ...overrides,
  };
}

const KINDS = { officer: 'window_officer', chief: 'chief_representative', leader: 'department_leader' } as const;

/** Seeded staff: every department's window at a centre has an officer, a chief representative and a leader. */
export const windowOf = (department: string, centre = '450100') => `${centre}-${department}-officer`;
export const chiefOf = (department: string, centre = '450100') => `${centre}-${department}-chief`;
export const leaderOf = (department: string, centre = '450100') => `${centre}-${department}-leader`;
export const supervisorOf = (centre = '450000') => `${centre}-supervisor`;
/** The three administrators (三员) each centre is seeded with: system (the organisation and catalogue), security (officers and keys), audit (the audit trail). */
export const adminOf = (centre = '450000') => `${centre}-admin`;
export const securityOf = (centre = '450000') => `${centre}-security`;
export const auditorOf = (centre = '450000') => `${centre}-auditor`;

/**
 * An officer as the API passes them to a workflow, for tests that send updates to a workflow directly:
 * a seeded id gives its role, centre and department; any other id gives an officer without authority.
 */
export function officer(id: string): Officer {
  const seeded = /^(\d{6})-(.+)-(officer|chief|leader)$/.exec(id);
  if (!seeded) return { id, name: `Officer ${id}` };
  return { id, name: `Officer ${id}`, role: KINDS[seeded[3] as keyof typeof KINDS], centreCode: seeded[1], departmentCode: seeded[2] };
}

/** The five departments of the seeded company start-up item, which review in parallel. */
export const STARTUP_DEPARTMENTS = ['housing_fund', 'human_resources', 'market_regulation', 'public_security', 'taxation'];
