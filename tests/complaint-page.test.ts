/**
 * The public complaint page (投诉, 有诉必查) at /complain, in a real browser (Debian's Chromium through
 * playwright-core) against the real stack: anyone picks a centre and one of its windows, says what
 * happened, gives a name or complains anonymously, and is shown a tracking code once; the tracking page
 * (/complain/track/<code>) follows the complaint as a supervisor accepts it and records the findings
 * through the REST API, and shows the outcome and the reply, never the findings or the officers. Then
 * the public routes on their own: an application is not complained about here (400, stored nothing, the
 * same answer whether it exists or not), every bad input is 400 naming the field and stores nothing, an
 * unknown code is 404, and a few requests a minute per address (429 beyond).
 */
import type { AddressInfo } from 'node:net';
import { eq, like } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findByTrackingCode } from '../db/follow-ups.js';
import { auditLog, followUps } from '../db/schema/index.js';
import { type Stack, startStack, supervisorOf, windowOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';
import { launchChromium, overflows, testid, unnamedControls } from './support/workstation.js';

const CENTRE = '450100';
const WINDOW = `${CENTRE}-market_regulation`;
let stack: Stack;
let browser: Browser;
let base: string;
const errors: string[] = [];
/** Marks this run's complaints, so that what a refused request would have stored can be looked for. */
const run = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  stack = await startStack();
  await stack.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** A phone's browser, as someone who saw the poster in the hall holds it. */
async function phone(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}${path}`);
  return page;
}

const supervisor = () => stack.as(supervisorOf(CENTRE));
const publicly = (options: { method?: 'GET' | 'POST'; url: string; payload?: object }) => stack.app.inject({ method: options.method ?? 'GET', url: options.url, payload: options.payload });
const storedWith = async (content: string) => stack.db.select().from(followUps).where(like(followUps.content, `%${content}%`));

describe('the public complaint page', () => {
  it('files a named complaint about a window and follows it to the outcome and the reply', { timeout: 90_000 }, async () => {
    const page = await phone('/complain');
    await expect.poll(() => testid(page, 'status').getAttribute('data-kind')).toBe('ready');
    expect(await unnamedControls(page)).toEqual([]);
    expect(await overflows(page)).toBe(false);
    // No window to choose before a centre is.
    expect(await testid(page, 'window').isDisabled()).toBe(true);
    await page.getByRole('combobox', { name: /政务服务中心/ }).selectOption(CENTRE);
    await expect.poll(() => testid(page, 'window').isEnabled()).toBe(true);
    const windowChoices = await testid(page, 'window').locator('option').allTextContents();
    expect(windowChoices.some((t) => t.includes('市场监督管理局窗口'))).toBe(true);
    await page.getByRole('combobox', { name: /窗口/ }).selectOption(WINDOW);
    const content = `窗口工作人员态度生硬，材料一次没有说清 ${run}-named`;
    await page.getByRole('textbox', { name: /事情经过/ }).fill(content);
    await page.getByRole('textbox', { name: /姓名/ }).fill('张三');
    await page.getByRole('textbox', { name: /联系电话/ }).fill('13800000000');
    await testid(page, 'submit').click();

    await expect.poll(() => testid(page, 'filed').isVisible()).toBe(true);
    expect(await testid(page, 'complaint-form').isHidden()).toBe(true);
    const code = (await testid(page, 'tracking-code').textContent())!;
    const id = (await testid(page, 'complaint-id').textContent())!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(id).toMatch(/^C-\d{8}-\d{4}$/);
    expect(await testid(page, 'status').textContent()).toContain('投诉已提交');
    expect(await unnamedControls(page)).toEqual([]);

    // Stored with the hash of the code, never the code; the audit trail names the complaint, not the code.
    const [row] = await storedWith(`${run}-named`);
    expect(row).toMatchObject({ id, kind: 'complaint', channel: 'public', submittedBy: 'public', centreCode: CENTRE, department: 'market_regulation', subject: { kind: 'window', windowCode: WINDOW } });
    expect(row.complainant).toEqual({ name: '张三', phone: '13800000000' });
    expect((await findByTrackingCode(stack.db, code))?.id).toBe(id);
    expect(JSON.stringify(row)).not.toContain(code);
    const audited = await stack.db.select().from(auditLog).where(eq(auditLog.target, `complaint ${id}`));
    expect(audited.map((a) => [a.action, a.status, a.centreCode])).toEqual([['POST /v1/public/complaints', 201, CENTRE]]);
    expect(JSON.stringify(await stack.db.select().from(auditLog).where(like(auditLog.target, `%${code}%`)))).toBe('[]');

    // The tracking page: received.
    await testid(page, 'track-link').click();
    await page.waitForURL((url) => url.pathname === `/complain/track/${code}`);
    await expect.poll(() => testid(page, 'stage').getAttribute('data-stage')).toBe('received');
    expect(await testid(page, 'complaint-id').textContent()).toBe(id);
    expect(await testid(page, 'stage').textContent()).toContain('等待受理');
    expect(await testid(page, 'reply').isVisible()).toBe(false);
    expect(await unnamedControls(page)).toEqual([]);
    expect(await overflows(page)).toBe(false);

    // A supervisor accepts it: investigating.
    ok(await supervisor()({ method: 'POST', url: `/v1/follow-ups/${id}/acceptance`, payload: { accepted: true, note: '受理，调查窗口服务' } }));
    await page.reload();
    await expect.poll(() => testid(page, 'stage').getAttribute('data-stage')).toBe('investigating');
    expect(await testid(page, 'accepted-at').textContent()).not.toBe('—');

    // The findings: substantiated; the complainant sees the outcome and the reply, not the findings nor the officers.
    const findings = `核实：${windowOf('market_regulation')} 未一次性告知 ${run}`;
    const reply = '经调查您反映的情况属实，已对相关人员批评教育并责令整改。';
    const closed = ok<{ stage: string; responsible: { id: string }[]; caseId: string }>(
      await supervisor()({ method: 'POST', url: `/v1/follow-ups/${id}/findings`, payload: { substantiated: true, findings, reply } }),
    );
    expect(closed.stage).toBe('closed');
    expect(closed.responsible.length).toBeGreaterThan(0);
    await page.reload();
    await expect.poll(() => testid(page, 'stage').getAttribute('data-stage')).toBe('closed');
    expect(await testid(page, 'outcome').getAttribute('data-outcome')).toBe('substantiated');
    expect(await testid(page, 'outcome').textContent()).toContain('属实');
    expect(await testid(page, 'reply').textContent()).toBe(reply);
    const text = (await page.locator('body').textContent())!;
    expect(text).not.toContain(findings);
    for (const officer of closed.responsible) expect(text).not.toContain(officer.id);

    const tracked = await publicly({ url: `/v1/public/complaints/${code}` });
    expect(tracked.statusCode).toBe(200);
    expect(tracked.headers['cache-control']).toBe('no-store');
    expect(Object.keys(tracked.json()).sort()).toEqual(['acceptedAt', 'closedAt', 'id', 'openedAt', 'outcome', 'reply', 'stage']);
    expect(tracked.json()).toMatchObject({ id, stage: 'closed', outcome: 'substantiated', reply: { text: reply } });
    // The case it opened bears the complaint's own id; neither it nor the findings are shown.
    expect(closed.caseId).toBeTruthy();
    expect(tracked.body).not.toMatch(/核实|caseId|findings|responsible/);

    // The tracking page is kept by no cache and followed links carry no referrer; the form page likewise no referrer.
    const shell = await publicly({ url: `/complain/track/${code}` });
    expect([shell.statusCode, shell.headers['referrer-policy'], shell.headers['cache-control']]).toEqual([200, 'no-referrer', 'no-store']);
    expect((await publicly({ url: '/complain' })).headers['referrer-policy']).toBe('no-referrer');
    expect((await publicly({ url: '/complain/assets/complain.js' })).statusCode).toBe(200);
    expect(errors).toEqual([]);
  });

  it('files an anonymous complaint about the whole centre; not accepted, the page shows the reason', { timeout: 90_000 }, async () => {
    const page = await phone('/complain');
    await expect.poll(() => testid(page, 'status').getAttribute('data-kind')).toBe('ready');
    await testid(page, 'centre').selectOption(CENTRE);
    await expect.poll(() => testid(page, 'window').isEnabled()).toBe(true);
    await page.getByRole('textbox', { name: /事情经过/ }).fill(`大厅排队叫号混乱 ${run}-anonymous`);
    await page.getByRole('checkbox', { name: /匿名投诉/ }).check();
    expect(await testid(page, 'name').isDisabled()).toBe(true);
    await testid(page, 'submit').click();
    await expect.poll(() => testid(page, 'filed').isVisible()).toBe(true);
    const code = (await testid(page, 'tracking-code').textContent())!;
    const id = (await testid(page, 'complaint-id').textContent())!;
    const [row] = await storedWith(`${run}-anonymous`);
    expect(row).toMatchObject({ id, complainant: null, subject: { kind: 'centre', centreCode: CENTRE }, department: null });

    const reason = '所反映事项不属于政务服务中心职责范围，建议向12345热线反映。';
    ok(await supervisor()({ method: 'POST', url: `/v1/follow-ups/${id}/acceptance`, payload: { accepted: false, note: reason } }));
    const tracking = await phone(`/complain/track/${code}`);
    await expect.poll(() => testid(tracking, 'stage').getAttribute('data-stage')).toBe('closed');
    expect(await testid(tracking, 'outcome').getAttribute('data-outcome')).toBe('not_accepted');
    expect(await testid(tracking, 'outcome').textContent()).toContain('不予受理');
    // Anonymous: nobody is contacted back, but the code still reads the answer.
    expect(await testid(tracking, 'reply').textContent()).toBe(reason);
    expect(errors).toEqual([]);
  });

  it('asks for what is missing before sending anything, and tells an unknown code apart', { timeout: 60_000 }, async () => {
    const page = await phone('/complain');
    await expect.poll(() => testid(page, 'status').getAttribute('data-kind')).toBe('ready');
    await testid(page, 'submit').click();
    await expect.poll(() => testid(page, 'form-error').textContent()).toContain('请选择政务服务中心');
    expect(await testid(page, 'centre').getAttribute('aria-invalid')).toBe('true');
    await testid(page, 'centre').selectOption(CENTRE);
    await page.getByRole('textbox', { name: /事情经过/ }).fill(`没有留名 ${run}-unnamed`);
    await testid(page, 'submit').click();
    await expect.poll(() => testid(page, 'form-error').textContent()).toContain('请填写姓名，或选择匿名投诉');
    expect(await storedWith(`${run}-unnamed`)).toEqual([]);

    const forged = await phone(`/complain/track/${'D'.repeat(24)}`);
    await expect.poll(() => testid(forged, 'status').getAttribute('data-code')).toBe('unknown_code');
    expect(await testid(forged, 'status').textContent()).toContain('无法识别此查询码');
    expect(await testid(forged, 'complaint').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe('the public complaint routes', () => {
  it('refuses an application as the subject, whether it exists or not, and stores nothing', async () => {
    const existing = await windowActions(() => stack).submit();
    const answers = [];
    for (const applicationNo of [existing, `${CENTRE}-20000101-000001`]) {
      const res = await publicly({ method: 'POST', url: '/v1/public/complaints', payload: { subject: { kind: 'application', applicationNo }, content: `办件拖延 ${run}-application` } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'validation_failed', details: [{ field: 'body.subject.kind' }] });
      expect(res.json().error.message).toMatch(/portal|window/);
      answers.push(res.json().error.message);
    }
    // The same words either way: the number alone tells nothing of anyone's application.
    expect(answers[0]).toEqual(answers[1]);
    expect(await storedWith(`${run}-application`)).toEqual([]);
  });

  it('answers every bad input with 400 naming the field, and stores nothing', async () => {
    const content = `无效请求 ${run}-invalid`;
    const cases: [object, string][] = [
      [{ subject: { kind: 'window', windowCode: 'no-such-window' }, content }, 'body.subject.windowCode'],
      [{ subject: { kind: 'centre', centreCode: '459999' }, content }, 'body.subject.centreCode'],
      [{ subject: { kind: 'officer', officerId: 'no-such-officer' }, content }, 'body.subject.officerId'],
      [{ subject: { kind: 'centre', centreCode: CENTRE }, content: '短' }, 'body.content'],
      [{ subject: { kind: 'centre', centreCode: CENTRE }, content, complainant: { name: '李四', phone: 'call me' } }, 'body.complainant.phone'],
      [{ subject: { kind: 'centre', centreCode: CENTRE }, content, complainant: { phone: '13800000000' } }, 'body.complainant.name'],
      [{ subject: { kind: 'desk', code: '1' }, content }, 'body.subject.kind'],
      [{ content }, 'body.subject'],
    ];
    for (const [payload, field] of cases) {
      const res = await publicly({ method: 'POST', url: '/v1/public/complaints', payload });
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error.code, field).toBe('validation_failed');
      expect(res.json().error.details.map((d: { field: string }) => d.field), field).toContain(field);
    }
    expect(await storedWith(`${run}-invalid`)).toEqual([]);
  });

  it('answers an unknown tracking code with 404 unknown_code', async () => {
    for (const code of ['D'.repeat(24), 'x']) {
      const res = await publicly({ url: `/v1/public/complaints/${code}` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'unknown_code', message: expect.any(String) } });
    }
  });

  it('lists the centres and a centre’s windows with their departments, and no officers', async () => {
    const all = await publicly({ url: '/v1/public/complaint-subjects' });
    expect(all.statusCode).toBe(200);
    expect(all.json().centres).toEqual(expect.arrayContaining([expect.objectContaining({ code: CENTRE, name: '南宁市政务服务中心' })]));
    expect(all.json().windows).toBeUndefined();
    const nanning = await publicly({ url: `/v1/public/complaint-subjects?centre=${CENTRE}` });
    expect(nanning.statusCode).toBe(200);
    const windows = nanning.json().windows as { code: string; name: string; department: { code: string; name: string } }[];
    expect(windows).toContainEqual({ code: WINDOW, name: '市场监督管理局窗口', department: { code: 'market_regulation', name: '市场监督管理局', nameEn: expect.any(String) } });
    expect(nanning.body).not.toMatch(/-officer|-chief|-leader|-supervisor/);
    const doc = ok<{ paths: Record<string, object> }>(await publicly({ url: '/docs/json' }));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/public/complaints', '/v1/public/complaints/{code}', '/v1/public/complaint-subjects']));
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/complain'))).toEqual([]);
    const unknown = await publicly({ url: '/v1/public/complaint-subjects?centre=459999' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details[0].field).toBe('querystring.centre');
    const malformed = await publicly({ url: '/v1/public/complaint-subjects?centre=nanning' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.details[0].field).toBe('querystring.centre');
  });

  // Last: it spends this address's allowance of the routes.
  it('allows a few requests a minute per address, then 429 with Retry-After', async () => {
    for (const request of [
      { method: 'POST' as const, url: '/v1/public/complaints', payload: { subject: { kind: 'application', applicationNo: 'x' }, content: `频繁请求 ${run}-limit` } },
      { url: `/v1/public/complaints/${'E'.repeat(24)}` },
    ]) {
      let res = await publicly(request);
      // The default allowance is 20 a minute (RATING_PUBLIC_PER_MINUTE); the tests before spent some.
      for (let i = 0; i < 25 && res.statusCode !== 429; i++) res = await publicly(request);
      expect(res.statusCode, request.url).toBe(429);
      expect(res.json().error.code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(await storedWith(`${run}-limit`)).toEqual([]);
  });
});
