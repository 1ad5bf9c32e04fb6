/**
 * Items that tests make for themselves (short limits, a chosen set of departments), saved straight
 * into the catalogue as the administrators' API saves them; applications' inputs for tests that start
 * workflows themselves; and the time-skipping test server that the clocks' tests jump forward on.
 */
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { findCentre, findItemVersion, planSteps, snapshotOf } from '../../db/catalogue.js';
import { saveItem } from '../../db/catalogue-writes.js';
import { itemDefinition, requiredMaterials } from '../../db/item-definition.js';
import { registerSearchAttributes } from '../../server/temporal.js';
import type { ApplicationInput } from '../../workflows/messages.js';
import { uniqueIdNumber } from './people.js';
import { testDataConverter } from './stack.js';

/**
 * A promised item of market regulation, or a joint one when several departments review it, one step
 * in parallel: by default 3 working days promised, 5 statutory, yellow 1 working day before the promise.
 */
export async function saveTestItem(
  db: Db,
  options: { departments?: string[]; promisedLimitDays?: number; statutoryLimitDays?: number; warningDays?: number; feeSchedule?: unknown } = {},
): Promise<string> {
  const { departments = ['market_regulation'], promisedLimitDays = 3, statutoryLimitDays = 5, warningDays = 1, feeSchedule } = options;
  const code = `test-item-${randomUUID().slice(0, 8)}`;
  const definition = itemDefinition.parse({
    code,
    name: `测试事项 ${code}`,
    nameEn: `Test item ${code}`,
    department: departments[0],
    kind: departments.length > 1 ? 'joint' : 'promised',
    levels: ['city', 'county'],
    legalBasis: '测试',
    statutoryLimitDays,
    promisedLimitDays,
    warningDays,
    steps: [{ name: '审查', departments: departments.map((department) => ({ code: department, promisedLimitDays })) }],
    feeSchedule,
  });
  await db.transaction((tx) => saveItem(tx, definition, { id: 'test' }, 'create'));
  return code;
}

/** An application's input as the API makes it, for a test that starts the workflow itself: the item's current version, planned at the centre. */
export async function applicationInput(db: Db, itemCode: string, centreCode = '450100'): Promise<ApplicationInput> {
  const item = (await findItemVersion(db, itemCode))!;
  const centre = (await findCentre(db, centreCode))!;
  return {
    applicationNo: `${centreCode}-TEST-${randomUUID()}`,
    centreCode,
    item: snapshotOf(item.definition, item.version),
    steps: await planSteps(db, item.definition, centre),
    applicant: { type: 'person', name: '张三', idNumber: uniqueIdNumber() },
    materials: requiredMaterials(item.definition),
    submittedAt: new Date().toISOString(),
  };
}

/** The Java time-skipping test server from .tools/, with OneWindow's search attributes. */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    client: { dataConverter: testDataConverter() },
    server: { executable: { type: 'existing-path', path: path.resolve(import.meta.dirname, '../../.tools/py/bin/temporal-test-server') } },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}
