/**
 * The catalogue as a file: JSON ({"items": [...]}) or CSV (one row an item; levels joined by "|",
 * materials, fees and steps as JSON). An import is checked whole before anything is written: one bad
 * row changes nothing, and every bad row is reported.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { type ItemDefinition, itemDefinition, unknownDepartments } from '../db/item-definition.js';
import { MAX_JSON_DEPTH, jsonTooDeep } from './json-depth.js';

export const CSV_COLUMNS = [
  'code',
  'officialCode',
  'name',
  'nameEn',
  'department',
  'kind',
  'category',
  'levels',
  'legalBasis',
  'statutoryLimitDays',
  'promisedLimitDays',
  'warningDays',
  'major',
  'materials',
  'fees',
  'feeSchedule',
  'steps',
  'source',
] as const;

/**
 * A cell a spreadsheet would run as a formula begins with =, +, -, @, a tab or a carriage return
 * (OWASP, "CSV Injection"): the export puts a ' before it, which makes it text. It also puts one before
 * such a cell that already begins with ', so that the import, taking one ' off exactly these cells,
 * gives back every cell as it was.
 */
const FORMULA = /^'*[=+\-@\t\r]/;
export const guardCell = (cell: string) => (FORMULA.test(cell) ? `'${cell}` : cell);
export const unguardCell = (cell: string) => (cell.startsWith("'") && FORMULA.test(cell) ? cell.slice(1) : cell);

export function itemsToCsv(items: ItemDefinition[]): string {
  return stringify(
    items.map((item) => {
      const row: Record<string, unknown> = {
        ...item,
        levels: item.levels.join('|'),
        major: String(item.major),
        materials: JSON.stringify(item.materials),
        fees: JSON.stringify(item.fees),
        feeSchedule: item.feeSchedule ? JSON.stringify(item.feeSchedule) : '',
        steps: JSON.stringify(item.steps),
      };
      return Object.fromEntries(CSV_COLUMNS.map((column) => [column, typeof row[column] === 'string' ? guardCell(row[column]) : row[column]]));
    }),
    { header: true, columns: [...CSV_COLUMNS] },
  );
}

export interface RowProblem {
  field: string;
  message: string;
}

/** Turns CSV text into raw item objects for validation; a cell that is not valid JSON becomes a problem. */
export function csvToRawItems(text: string): { rows: unknown[]; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, cast: (cell) => unguardCell(cell) });
  } catch (err) {
    return { rows: [], problems: [{ field: 'body', message: `not readable as CSV: ${(err as Error).message}` }] };
  }
  const rows = records.map((record, i) => {
    const json = (column: string) => {
      if (record[column] && jsonTooDeep(record[column])) {
        problems.push({ field: `items[${i}].${column}`, message: `is nested deeper than ${MAX_JSON_DEPTH} levels` });
        return undefined;
      }
      try {
        return record[column] ? JSON.parse(record[column]) : undefined;
      } catch {
        problems.push({ field: `items[${i}].${column}`, message: 'is not valid JSON' });
        return undefined;
      }
    };
    return {
      ...record,
      officialCode: record.officialCode || undefined,
      // An empty cell (or a file from before categories) takes the default, licensing.
      category: record.category || undefined,
      source: record.source || undefined,
      levels: record.levels ? record.levels.split('|').map((l) => l.trim()) : [],
      statutoryLimitDays: Number(record.statutoryLimitDays),
      promisedLimitDays: Number(record.promisedLimitDays),
      warningDays: record.warningDays ? Number(record.warningDays) : undefined,
      major: record.major === 'true',
      materials: json('materials'),
      fees: json('fees'),
      // An empty cell (or a file from before fee schedules): the item charges nothing it assesses.
      feeSchedule: record.feeSchedule ? json('feeSchedule') : undefined,
      steps: json('steps'),
    };
  });
  return { rows, problems };
}

/** Checks every row; returns the valid items only when there is no problem at all. */
export function validateImport(rows: unknown[], knownDepartments: ReadonlySet<string>, earlier: RowProblem[] = []) {
  const problems = [...earlier];
  const items: ItemDefinition[] = [];
  const codes = new Map<string, number>();
  rows.forEach((row, i) => {
    const result = itemDefinition.safeParse(row);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push({ field: `items[${i}].${issue.path.join('.')}`, message: issue.message });
      return;
    }
    for (const p of unknownDepartments(result.data, knownDepartments)) problems.push({ field: `items[${i}].${p.path.join('.')}`, message: p.message });
    const first = codes.get(result.data.code);
    if (first !== undefined) problems.push({ field: `items[${i}].code`, message: `${result.data.code} also appears at items[${first}]` });
    codes.set(result.data.code, i);
    items.push(result.data);
  });
  if (rows.length === 0 && problems.length === 0) problems.push({ field: 'items', message: 'contains no item' });
  return { items, problems };
}
