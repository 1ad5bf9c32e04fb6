/**
 * Properties, over many generated inputs: the check characters of ID numbers and credit codes catch
 * every single wrong character, masking never shows more than the ends, and the catalogue's CSV
 * export and import are each other's inverse, refusing a bad row without accepting the rest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvToRawItems, itemsToCsv, validateImport } from '../api/catalogue-io.js';
import { creditCodeCheck, isCreditCode, isResidentId, maskIdNumber, residentIdCheck } from '../api/identity.js';
import { type ItemDefinition, itemDefinition } from '../db/item-definition.js';

const ID_CHARS = '0123456789X';
const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** The first 17 characters of a resident ID: a region, a real birth date (1900–2025), a sequence. */
const idBody = fc
  .record({
    region: fc.integer({ min: 110000, max: 659999 }),
    birth: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true }),
    sequence: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ region, birth, sequence }) => `${region}${birth.toISOString().slice(0, 10).replaceAll('-', '')}${String(sequence).padStart(3, '0')}`);

/** The first 17 characters of a credit code: registering authority and kind, region, organisation code. */
const codeBody = fc
  .tuple(fc.constantFrom('1', '5', '9', 'Y'), fc.constantFrom('1', '2', '3'), fc.integer({ min: 110000, max: 659999 }), fc.array(fc.constantFrom(...CODE_CHARS), { minLength: 9, maxLength: 9 }))
  .map(([authority, kind, region, organisation]) => `${authority}${kind}${region}${organisation.join('')}`);

const replaceAt = (value: string, index: number, char: string) => value.slice(0, index) + char + value.slice(index + 1);

describe('identity numbers', () => {
  it('a resident ID with its check character is valid, and any one character changed is refused', () => {
    fc.assert(
      fc.property(idBody, fc.nat(17), fc.constantFrom(...ID_CHARS), (body, index, char) => {
        const id = body + residentIdCheck(body);
        expect(isResidentId(id)).toBe(true);
        const altered = replaceAt(id, index, char);
        // A change in the birth date may make another valid date; the check character catches it all the same.
        if (altered !== id && /^\d{17}[\dX]$/.test(altered)) expect(isResidentId(altered)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('a credit code with its check character is valid, and any one character changed is refused', () => {
    fc.assert(
      fc.property(codeBody, fc.nat(17), fc.constantFrom(...CODE_CHARS), (body, index, char) => {
        const code = body + creditCodeCheck(body);
        expect(isCreditCode(code)).toBe(true);
        const altered = replaceAt(code, index, char);
        if (altered !== code) expect(isCreditCode(altered)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('masking keeps the length and shows only the first and last four characters', () => {
    fc.assert(
      fc.property(fc.oneof(idBody.map((b) => b + residentIdCheck(b)), codeBody.map((b) => b + creditCodeCheck(b))), (value) => {
        const masked = maskIdNumber(value);
        expect(masked).toHaveLength(value.length);
        expect(masked.slice(0, 4)).toBe(value.slice(0, 4));
        expect(masked.slice(-4)).toBe(value.slice(-4));
        expect(masked.slice(4, -4)).toMatch(/^\*+$/);
      }),
    );
  });
});

describe('catalogue import', () => {
  const seeded = (JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../db/seed/items.json'), 'utf8')) as { items: unknown[] }).items.map(
    (raw) => itemDefinition.parse(raw),
  );
  const departments = new Set(seeded.flatMap((i) => [i.department, ...i.steps.flatMap((s) => s.departments.map((d) => d.code))]));
  const text = fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.trim()).filter((s) => s.length > 0);
  /** Text a spreadsheet would run as a formula, or that begins with the export's own guard, ': the CSV must keep both as they are. */
  const formula = fc.tuple(fc.constantFrom('=', '+', '-', '@', "'", "'=", "''-", "'@"), text).map(([start, rest]) => start + rest);

  /** Seeded items with their names, limits and materials changed: still valid definitions. */
  const items = fc.uniqueArray(
    fc.record({
      base: fc.constantFrom(...seeded),
      name: fc.oneof(text, formula),
      nameEn: fc.oneof(text, formula),
      extraDays: fc.integer({ min: 0, max: 30 }),
      materials: fc.array(fc.record({ name: text, required: fc.boolean() }), { maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 12, selector: (r) => r.base.code },
  ).map((list) =>
    list.map(({ base, name, nameEn, extraDays, materials }): ItemDefinition => ({
      ...base,
      name,
      nameEn,
      statutoryLimitDays: Math.min(365, base.statutoryLimitDays + extraDays),
      materials,
    })),
  );

  it('reads back from its CSV exactly what it wrote', () => {
    fc.assert(
      fc.property(items, (definitions) => {
        const csv = itemsToCsv(definitions);
        // No cell begins as a formula would (OWASP's CSV injection): each one that did has a ' before it.
        for (const record of parse(csv, { columns: true }) as Record<string, string>[]) {
          for (const cell of Object.values(record)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        }
        const { rows, problems: parsed } = csvToRawItems(csv);
        const { items: read, problems } = validateImport(rows, departments, parsed);
        expect(problems).toEqual([]);
        expect(read).toEqual(definitions);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses the whole import when one row is wrong, and names that row', () => {
    fc.assert(
      fc.property(items, fc.nat(), fc.constantFrom('unknown department', 'promised beyond statutory', 'bad code'), (definitions, pick, fault) => {
        const index = pick % definitions.length;
        const bad = { ...definitions[index] };
        if (fault === 'unknown department') bad.department = 'no_such_department';
        if (fault === 'promised beyond statutory') bad.promisedLimitDays = bad.statutoryLimitDays + 1;
        if (fault === 'bad code') bad.code = 'Not A Code';
        const rows = definitions.map((d, i) => (i === index ? bad : d));
        const { problems } = validateImport(rows, departments);
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.map((p) => p.field).every((f) => f?.startsWith(`items[${index}]`))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
