import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STARTUP_DEPARTMENTS, type Stack, chiefOf, startStack, submission, windowOf } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('the README walk-through over REST', () => {
  it('takes a joint application from submission through five parallel reviews to pickup, and shows its history', async () => {
    const { integrator } = stack;
    const window = stack.as(windowOf('market_regulation'));
    const submitted = await integrator({ method: 'POST', url: '/v1/applications', payload: submission() });
    expect(submitted.statusCode).toBe(201);
    const no = submitted.json().applicationNo as string;
    expect(no).toMatch(/^450100-\d{8}-\d{6}$/);
    expect(submitted.headers.location).toBe(`/v1/applications/${no}`);
    expect(submitted.json().stage).toBe('submitted');

    const accepted = await window({ method: 'POST', url: `/v1/applications/${no}/intake`, payload: { decision: 'accept', department: 'market_regulation' } });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ stage: 'in_review', responsibleOfficer: { id: windowOf('market_regulation'), role: 'window_officer' } });

    // The clocks started at acceptance: the same instants that GET /v1/calendar/due gives.
    const accepted_ = (await integrator(`/v1/applications/${no}`)).json();
    await expect.poll(async () => (await integrator(`/v1/applications/${no}`)).json().deadlines.promisedDueAt).not.toBeNull();
    const { deadlines } = (await integrator(`/v1/applications/${no}`)).json();
    const due = (days: number) =>
      integrator({ url: '/v1/calendar/due', query: { from: accepted_.acceptedAt, workingDays: String(days), centre: '450100' } }).then((r) => r.json().due);
    expect(deadlines.promisedDueAt).toBe(await due(1));
    expect(deadlines.statutoryDueAt).toBe(await due(5));
    expect(deadlines.remainingMs).toBeGreaterThan(0);

    // Every department's review task is in its inbox at once: the fan-out is parallel.
    await expect.poll(async () => (await integrator(`/v1/applications/${no}`)).json().reviews.length).toBe(5);
    const view = (await integrator(`/v1/applications/${no}`)).json();
    for (const department of STARTUP_DEPARTMENTS) {
      const inbox = (await stack.as(windowOf(department))(`/v1/departments/${department}/inbox?centre=450100`)).json();
      // What a chief representative needs to pick the task: the item, its limits, what was handed in.
      const review = view.reviews.find((r: { department: string }) => r.department === department);
      expect(inbox.tasks.find((t: { applicationNo: string }) => t.applicationNo === no)).toMatchObject({
        itemCode: 'company-startup',
        itemName: '企业开办（设立登记、公章刻制、发票申领、社保登记、公积金缴存登记）',
        major: false,
        step: 0,
        promisedDueAt: review.deadlines.promisedDueAt,
        statutoryDueAt: view.deadlines.statutoryDueAt,
        clockStopped: false,
        materials: view.materials,
      });
    }

    const decisions = await Promise.all(
      STARTUP_DEPARTMENTS.map((department) =>
        stack.as(chiefOf(department))({ method: 'POST', url: `/v1/applications/${no}/reviews/${department}/decision`, payload: { decision: 'approve' } }),
      ),
    );
    expect(decisions.map((d) => d.statusCode)).toEqual([200, 200, 200, 200, 200]);
    await expect.poll(async () => (await integrator(`/v1/applications/${no}`)).json().stage).toBe('completed');

    const handedOver = { recipient: '王五', idChecked: true, licenceNo: '91450100MA5KXXXX13' };
    const picked = await window({ method: 'POST', url: `/v1/applications/${no}/pickup`, payload: handedOver });
    expect(picked.statusCode).toBe(200);
    expect(picked.json().stage).toBe('picked_up');
    expect(picked.json().handover).toEqual({ officer: expect.objectContaining({ id: windowOf('market_regulation') }), ...handedOver });
    const final = picked.json();
    expect(final.reviews.map((r: { status: string }) => r.status)).toEqual(['approved', 'approved', 'approved', 'approved', 'approved']);

    const timeline = (await window(`/v1/applications/${no}/history?format=timeline`)).json();
    const lines = timeline.timeline.map((e: { what: string }) => e.what);
    expect(lines[0]).toBe('workflow applicationWorkflow started (submitted)');
    // The acceptance, the clock's start and the five review tasks reach the read model in one write.
    const opening = lines.find((l: string) => l.startsWith('activity recordTransition scheduled') && l.includes('review_opened'));
    expect(opening).toContain('intake_accept, clock_started');
    for (const department of STARTUP_DEPARTMENTS) expect(opening).toContain(`review_opened (${department})`);
    expect(lines.at(-1)).toBe('workflow completed');

    // Search attributes let `temporal workflow list --query` and the Temporal UI find it.
    const query = `OneWindowStage = 'picked_up' AND OneWindowCentre = '450100' AND OneWindowItem = 'company-startup' AND WorkflowId = '${no}'`;
    await expect
      .poll(async () => {
        const found: string[] = [];
        for await (const w of stack.client.workflow.list({ query })) found.push(w.workflowId);
        return found;
      })
      .toEqual([no]);

    const history = (await window(`/v1/applications/${no}/history`)).json();
    expect(history.events[0].eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    expect(history.temporalUiUrl).toContain(`/workflows/${no}`);
  });
});
