/**
 * What the windows and the integrator do to an application over the API, as the tests do it. Each
 * action returns the answer, since a refusal is often what a test is after; `ok` checks an answer and
 * reads it. The stack is asked for when an action runs, so a test file may make these at load time.
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { chiefOf, submission, windowOf } from './people.js';
import type { Stack } from './stack.js';

/** The answer's body, once its status is the expected one (200 unless told). */
export function ok<T = Record<string, unknown>>(res: LightMyRequestResponse, status = 200): T {
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as T;
}

export function windowActions(stack: () => Stack) {
  const post = (officerId: string, url: string, payload: object) => stack().as(officerId)({ method: 'POST', url, payload });
  /** An application's number begins with its centre's code. */
  const centreOf = (no: string) => no.slice(0, 6);

  const intake = (no: string, payload: object, by = windowOf('market_regulation', centreOf(no))) => post(by, `/v1/applications/${no}/intake`, payload);
  const decide = (no: string, department: string, decision: 'approve' | 'reject', reason?: string, by = chiefOf(department)) =>
    post(by, `/v1/applications/${no}/reviews/${department}/decision`, { decision, ...(reason ? { reason } : {}) });

  return {
    /** Submitted by the stack's integrator (people.ts's submission with these changes); its number. */
    async submit(overrides: Record<string, unknown> = {}): Promise<string> {
      return ok<{ applicationNo: string }>(await stack().integrator({ method: 'POST', url: '/v1/applications', payload: submission(overrides) }), 201).applicationNo;
    },
    /** Intake by the lead (market_regulation) window of the application's centre unless `by` is named. */
    intake,
    /** Accepted naming `department` as the lead department, by its window at the application's centre unless `by` is named. */
    accept: (no: string, department = 'market_regulation', by = windowOf(department, centreOf(no))) => intake(no, { decision: 'accept', department }, by),
    /** A decision by the department's chief representative at 450100 unless `by` is named (a major item needs its leader). */
    decide,
    approve: (no: string, department: string, by = chiefOf(department)) => decide(no, department, 'approve', undefined, by),
    /** Pickup at the lead (market_regulation) window of the application's centre unless `by` is named. */
    pickup: (no: string, by = windowOf('market_regulation', centreOf(no))) => post(by, `/v1/applications/${no}/pickup`, {}),
  };
}
