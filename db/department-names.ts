/**
 * A department's name at one level of centre. The catalogue keeps one name per department for all
 * levels, written for both where they differ ("公安厅（局）": a 厅 at the region, a 局 in a city or
 * county; "消防救援总队（支队）": a 总队 at the region, a 支队 in a city, a 大队 in a county). A
 * window, an officer, a page or a document names the one at its own level.
 */
import type { CentreLevel } from './schema/organisation.js';

/** A centre's level from its GB/T 2260 code: 450000 the region, 450100 a city, 450102 a county. */
export function centreLevelOf(code: string): CentreLevel {
  if (code.endsWith('0000')) return 'region';
  return code.endsWith('00') ? 'city' : 'county';
}

const PER_LEVEL: [RegExp, Record<CentreLevel, string>][] = [
  [/厅（局）$/, { region: '厅', city: '局', county: '局' }],
  [/总队（支队）$/, { region: '总队', city: '支队', county: '大队' }],
];

/** The department's name at a centre of this level (or at this centre, by its code). */
export function departmentNameAt(name: string, at: CentreLevel | string): string {
  const level = at === 'region' || at === 'city' || at === 'county' ? at : centreLevelOf(at);
  for (const [pattern, endings] of PER_LEVEL) if (pattern.test(name)) return name.replace(pattern, endings[level]);
  return name;
}

/** Its name at each level where it has windows. */
export function departmentNames(department: { name: string; levels: CentreLevel[] }): Partial<Record<CentreLevel, string>> {
  return Object.fromEntries(department.levels.map((level) => [level, departmentNameAt(department.name, level)]));
}
