/**
 * Demo centres (issue 16): centres whose working day lasts minutes, so that an application there passes
 * its yellow, red and statutory red instants while a newcomer watches, through the workflow's own
 * durable timers and with real timestamps. Only codes 4598xx and 4599xx may be demo centres: GB/T 2260
 * has no such division in Guangxi, so no real centre can be made one. `npm run simulate -- --demo`
 * (and `npm start -- --demo`) creates them through the organisation API with the windows and officers
 * the seed's rules give a city centre (db/seed.ts, staffing).
 */
import type { CentreLevel } from './schema/index.js';
import { staffing, type Seed } from './seed.js';

/** Codes that no real Guangxi division has: 4598xx and 4599xx. */
export const isDemoCentreCode = (code: string) => /^459[89]\d\d$/.test(code);

export interface DemoCentre {
  code: string;
  name: string;
  nameEn: string;
  division: string;
  parentCode: string | null;
  level: CentreLevel;
  longitude: number;
  latitude: number;
  coordinateApproximate: boolean;
  dayMinutes: number;
}

/**
 * The demo's two centres, in the Beibu Gulf off the coast (no real centre lies there): one where some
 * reviews are never decided (it turns red, and statutory red), one where reviews are decided late but
 * within their limit (it turns yellow and back to green).
 */
export function demoCentres(dayMinutes = 1): DemoCentre[] {
  const common = { division: '演示', parentCode: '450000', level: 'city' as const, coordinateApproximate: false, dayMinutes };
  return [
    { ...common, code: '459900', name: '演示中心（时间压缩）', nameEn: 'Demo centre (compressed time)', longitude: 108.75, latitude: 21.25 },
    { ...common, code: '459800', name: '演示中心二（时间压缩）', nameEn: 'Demo centre 2 (compressed time)', longitude: 109.75, latitude: 21.1 },
  ];
}

/** The windows and officers a demo centre gets: as the seed staffs a centre of its level. */
export function demoStaffing(centre: DemoCentre, departments: Seed['departments']) {
  return staffing({ centres: [centre], departments, items: [] });
}
