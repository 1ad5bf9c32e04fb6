import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCreditCode, isResidentId, maskIdNumber } from '../api/identity.js';
import { buildApp } from '../api/app.js';
import { createLogger } from '../server/runtime.js';
import { type Stack, startStack, submission, supervisorOf, testConfig, uniqueCreditCode, uniqueIdNumber, windowOf } from './support/stack.js';

describe('identity numbers', () => {
  it('accepts the standards’ own examples and refuses a wrong check character or an impossible birth date', () => {
    expect(isResidentId('11010519491231002X')).toBe(true); // GB 11643's example
    expect(isResidentId('110105194912310021')).toBe(false); // check character altered
    expect(isResidentId('110105194902300027')).toBe(false); // 30 February
    expect(isCreditCode('91350100M000100Y43')).toBe(true);
    expect(isCreditCode('91350100M000100Y44')).toBe(false);
    expect(isCreditCode('91350100M000100I43')).toBe(false); // I is not in the code's alphabet
    for (let i = 0; i < 50; i++) {
      expect(isResidentId(uniqueIdNumber())).toBe(true);
      expect(isCreditCode(uniqueCreditCode())).toBe(true);
    }
    expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X');
  });
});

describe('applicants over the API', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('refuses an ID number whose check character is wrong, naming the field', async () => {
    const res = await stack.integrator({
      method: 'POST',
      url: '/v1/applications',
      payload: submission({ itemCode: 'food-business-licence', applicant: { type: 'person', name: '张三', idNumber: '110105194912310021' } }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      { field: 'body.applicant.idNumber', message: 'is not a valid resident ID number (date or check digit)' },
    ]);
  });

  it('shows the applicant’s number whole to those handling the application, masked to a supervisor and in lists', async () => {
    const idNumber = uniqueIdNumber();
    const created = await stack.integrator({
      method: 'POST',
      url: '/v1/applications',
      payload: submission({ itemCode: 'food-business-licence', applicant: { type: 'person', name: '李四', idNumber } }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const no = created.json().applicationNo as string;
    const masked = maskIdNumber(idNumber);
    expect(masked).not.toBe(idNumber);

    // Those who handle it: the submitting integrator, and the lead department's window at the centre.
    expect((await stack.integrator(`/v1/applications/${no}`)).json().applicant.idNumber).toBe(idNumber);
    const window = await stack.as(windowOf('market_regulation'))(`/v1/applications/${no}`);
    expect(window.statusCode, window.body).toBe(200);
    expect(window.json().applicant.idNumber).toBe(idNumber);

    // A supervisor of the centre above reads the same application with the number masked.
    const supervised = await stack.as(supervisorOf('450000'))(`/v1/applications/${no}`);
    expect(supervised.statusCode, supervised.body).toBe(200);
    expect(supervised.json().applicationNo).toBe(no);
    expect(supervised.json().applicant.idNumber).toBe(masked);
    expect(supervised.body).not.toContain(idNumber.slice(4, 14));

    // Lists mask it for everyone, the submitter included.
    const query = { centre: '450100', item: 'food-business-licence', limit: '200' };
    for (const [who, list] of [
      ['integrator', stack.integrator],
      ['window', stack.as(windowOf('market_regulation'))],
      ['supervisor', stack.as(supervisorOf('450000'))],
    ] as const) {
      const res = await list({ url: '/v1/applications', query });
      expect(res.statusCode, `${who}: ${res.body}`).toBe(200);
      const listed = res.json().applications.find((a: { applicationNo: string }) => a.applicationNo === no);
      expect(listed, who).toBeDefined();
      expect(listed.applicant.idNumber, who).toBe(masked);
      expect(listed.applicant.idNumber, who).not.toContain(idNumber.slice(4, 14));
    }
  });
});

describe('logs', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false });
  });
  afterAll(() => stack?.close());

  it('never carry a credential or a whole ID number', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
    const idNumber = uniqueIdNumber();
    const creditCode = uniqueCreditCode();
    const token = await stack.token(supervisorOf());

    // An activity's input, an error's details: numbers anywhere in a line's fields are masked.
    logger.info({ input: { applicant: { idNumber } }, note: `applicant ${creditCode}`, key: `id_${idNumber}` }, 'submitted');
    // A request through the API with the same logger: its credentials stay out of the log.
    const app = await buildApp(
      { database: stack.database, auth: testConfig().auth, temporal: { client: stack.client, connection: stack.connection, taskQueue: stack.taskQueue } },
      { loggerInstance: logger },
    );
    // (A token put into a query string by mistake: request lines drop it whatever the route.)
    await app.inject({ url: `/v1/me?access_token=${token}`, headers: { authorization: `Bearer ${token}` } });
    await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}`, 'x-api-key': stack.integrator.key } });
    logger.info({ req: { headers: { authorization: `Bearer ${token}`, 'x-api-key': stack.integrator.key } } }, 'a request logged whole');
    await app.close();

    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(3);
    expect(all).not.toContain('"level":50'); // and logging itself never failed
    expect(all).toContain(maskIdNumber(idNumber));
    expect(all).toContain(maskIdNumber(creditCode));
    for (const secret of [idNumber, creditCode, token, stack.integrator.key]) expect(all).not.toContain(secret);
  });
});
