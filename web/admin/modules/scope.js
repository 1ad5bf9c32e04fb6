// The administrator's scope: their centre, its level and the centres by code (GET /v1/centres?flat=1).
// The region's administrators keep the regional catalogue and calendar; every administrator keeps
// their own centre and those below it.

import { localName } from '../../workstation/modules/helpers.js';
import { state } from '../../workstation/modules/state.js';

export const admin = {
  /** Centres by code. */
  centres: new Map(),
  /** The level of the administrator's centre: region, city or county. */
  level: 'region',
};

/** The code prefix every centre within a centre shares: 450000 → 45, 450100 → 4501. */
export const prefixOf = (code) => code.replace(/(00)+$/, '');
export const isRegional = () => prefixOf(state.officer?.centreCode ?? '').length <= 2;
export const withinScope = (code) => !!code && code.startsWith(prefixOf(state.officer.centreCode));
export const centreName = (code) => localName(admin.centres.get(code)) ?? code;

export function setCentres(list) {
  admin.centres = new Map(list.map((c) => [c.code, c]));
  admin.level = admin.centres.get(state.officer.centreCode)?.level ?? 'region';
}
