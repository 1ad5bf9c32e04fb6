import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCreditCode, isResidentId, maskIdNumber } from '../api/identity.js';
import { type Stack, startStack, submission, uniqueCreditCode, uniqueIdNumber } from './support/stack.js';

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
    const res = await stack.app.inject({
      method: 'POST',
      url: '/v1/applications',
      payload: submission({ itemCode: 'food-business-licence', applicant: { type: 'person', name: '张三', idNumber: '110105194912310021' } }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      { field: 'body.applicant.idNumber', message: 'is not a valid resident ID number (date or check digit)' },
    ]);
  });

  it('masks the applicant’s number in lists and shows it whole on the application itself', async () => {
    const idNumber = uniqueIdNumber();
    const created = await stack.app.inject({
      method: 'POST',
      url: '/v1/applications',
      payload: submission({ itemCode: 'food-business-licence', applicant: { type: 'person', name: '李四', idNumber } }),
    });
    const no = created.json().applicationNo as string;
    expect((await stack.app.inject(`/v1/applications/${no}`)).json().applicant.idNumber).toBe(idNumber);
    const list = (await stack.app.inject({ url: '/v1/applications', query: { centre: '450100', item: 'food-business-licence', limit: '200' } })).json();
    const listed = list.applications.find((a: { applicationNo: string }) => a.applicationNo === no);
    expect(listed.applicant.idNumber).toBe(maskIdNumber(idNumber));
    expect(listed.applicant.idNumber).not.toContain(idNumber.slice(4, 14));
  });
});
