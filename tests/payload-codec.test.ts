/**
 * Applicants' personal data is encrypted in every payload Temporal stores (server/payload-codec.ts):
 * the stored history holds no ID number, name or phone; keys rotate; a payload whose key a process lacks
 * fails clearly (a workflow task, an API answer) without stopping the worker; the codec endpoint decodes
 * for the Temporal UI and CLI, whole only for staff who handle the application.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signInOverHttp } from './support/signin.js';
import { createActivities } from '../activities/index.js';
import { loadConfig } from '../server/config.js';
import { EncryptionCodec, type JsonPayload, PayloadKeyError, dataConverter, freshKeyList, payloadFromJson, payloadKeys, payloadToJson } from '../server/payload-codec.js';
import { applicationWorkflow } from '../workflows/application.js';
import { intakeUpdate } from '../workflows/messages.js';
import { applicationInput, saveTestItem } from './support/items.js';
import { type Stack, officer, sharedTemporal, startStack, submission, supervisorOf, uniqueIdNumber, windowOf } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  // Listening, with the local identity provider: the Temporal UI's path signs in and sends the session cookie.
  stack = await startStack({ signIn: true });
});
afterAll(() => stack?.close());

const keysOf = (list: string, currentId?: string) => payloadKeys({ dataDir: '', payloadKeys: { list, currentId } }, { localKeyFile: false });
const text = (value: unknown) => ({ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify(value)).toString('base64') });
const valueOf = (payload: JsonPayload) => JSON.parse(Buffer.from(payload.data!, 'base64').toString('utf8')) as Record<string, unknown>;
const keyIdOf = (payload: { metadata?: Record<string, string> }) => Buffer.from(payload.metadata?.['encryption-key-id'] ?? '', 'base64').toString('utf8');

/** A person applying, with everything personal that must not reach Temporal in clear. */
function person() {
  return { type: 'person', name: '韦秀兰', idNumber: uniqueIdNumber(), phone: '13877112345' };
}

async function submit(applicant = person()) {
  const res = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission({ itemCode: 'food-business-licence', applicant }) });
  expect(res.statusCode).toBe(201);
  return { no: res.json().applicationNo as string, applicant };
}

/** A client of the same server and namespace that has no codec: it sees what Temporal stores. */
function rawClient() {
  return new Client({ connection: stack.connection, namespace: stack.client.options.namespace });
}

/** Every payload in a history as historyToJSON gives it. */
function payloadsIn(value: unknown, found: JsonPayload[] = []): JsonPayload[] {
  if (Array.isArray(value)) value.forEach((v) => payloadsIn(v, found));
  else if (value && typeof value === 'object') {
    const fields = value as Record<string, unknown>;
    if (fields.metadata && typeof fields.metadata === 'object' && Object.keys(fields).every((k) => k === 'metadata' || k === 'data')) found.push(fields as JsonPayload);
    else Object.values(fields).forEach((v) => payloadsIn(v, found));
  }
  return found;
}

const startedInput = async (handle: WorkflowHandle) => {
  const { events } = JSON.parse(historyToJSON(await handle.fetchHistory())) as { events: Array<Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  return events[0].workflowExecutionStartedEventAttributes.input.payloads[0] as JsonPayload;
};

describe('the stored history', () => {
  it("holds no ID number, name or phone of the applicant; with the codec's keys every payload decodes", async () => {
    const { no, applicant } = await submit();
    const handle = rawClient().workflow.getHandle(no);
    // Until the worker has answered once, the history holds only what the API wrote.
    await expect.poll(async () => (await handle.fetchHistory()).events?.length ?? 0).toBeGreaterThan(4);
    const history = await handle.fetchHistory();
    const stored = Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish());
    const json = historyToJSON(history);
    for (const secret of [applicant.idNumber, applicant.name, applicant.phone]) {
      expect(stored.includes(secret)).toBe(false);
      expect(json.includes(secret)).toBe(false);
    }
    // Nor hidden in any payload's base64.
    const payloads = payloadsIn(JSON.parse(json));
    for (const payload of payloads) expect(Buffer.from(payload.data ?? '', 'base64').includes(applicant.idNumber)).toBe(false);

    const input = await startedInput(handle);
    expect(Buffer.from(input.metadata!.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(keyIdOf(input)).toBe('test-1');
    const [decoded] = await new EncryptionCodec(keysOf(freshKeyList('other'), undefined)).decode([payloadFromJson(input)]).catch((err: unknown) => [err]);
    expect(decoded).toBeInstanceOf(PayloadKeyError);
    const [plain] = await stack.client.options.loadedDataConverter.payloadCodecs[0].decode([payloadFromJson(input)]);
    expect(valueOf(payloadToJson(plain)).applicant).toMatchObject(applicant);
  });

  it('is decoded by the history route: whole for the window that handles it, masked for a supervisor', async () => {
    const { no, applicant } = await submit();
    const read = async (who: string) => {
      const res = await stack.as(who)(`/v1/applications/${no}/history`);
      expect(res.statusCode).toBe(200);
      const events = res.json().events as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
      return valueOf(events[0].workflowExecutionStartedEventAttributes.input.payloads[0]).applicant as Record<string, string>;
    };
    expect(await read(windowOf('market_regulation'))).toMatchObject(applicant);
    const masked = await read(supervisorOf('450000'));
    expect(masked.idNumber).toBe(`${applicant.idNumber.slice(0, 4)}**********${applicant.idNumber.slice(-4)}`);
    expect(masked.name).toBe('韦**');
    expect(masked.phone).toBe('138****2345');
    // The timeline reads the decoded payloads too.
    const timeline = (await stack.as(windowOf('market_regulation'))(`/v1/applications/${no}/history?format=timeline`)).json().timeline as { kind: string }[];
    expect(timeline.length).toBeGreaterThan(0);
  });
});

describe('keys', () => {
  it('rotate: payloads written under the old key still decode once a new key is current, and new payloads use the new one', async () => {
    const a = freshKeyList('a');
    const b = freshKeyList('b');
    const itemCode = await saveTestItem(stack.db);
    const input = await applicationInput(stack.db, itemCode);
    const taskQueue = `rotation-${randomUUID()}`;
    // Written while a was the only key.
    const before = new Client({ connection: stack.connection, namespace: sharedTemporal().namespace, dataConverter: dataConverter(keysOf(a)) });
    const handle = await before.workflow.start(applicationWorkflow, { workflowId: input.applicationNo, taskQueue, args: [input] });
    // Then b is added, newest last: the worker and the client now hold both.
    const both = dataConverter(keysOf(`${a},${b}`));
    expect(keysOf(`${a},${b}`).current).toBe('b');
    const native = await NativeConnection.connect({ address: sharedTemporal().address });
    const worker = await Worker.create({ connection: native, namespace: sharedTemporal().namespace, taskQueue, workflowBundle: { code: inject('workflowBundleCode') }, dataConverter: both, activities: createActivities({ db: stack.db }) });
    const after = new Client({ connection: stack.connection, namespace: sharedTemporal().namespace, dataConverter: both });
    await worker.runUntil(async () => {
      const state = await after.workflow
        .getHandle(handle.workflowId)
        .executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'market_regulation', officer: officer(windowOf('market_regulation')) }] });
      expect(state.stage).toBe('in_review');
    });
    await native.close();
    const { events } = JSON.parse(historyToJSON(await handle.fetchHistory())) as { events: Array<Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(keyIdOf(events[0].workflowExecutionStartedEventAttributes.input.payloads[0])).toBe('a');
    const accepted = events.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes)!.workflowExecutionUpdateAcceptedEventAttributes;
    const completed = events.find((e) => e.workflowExecutionUpdateCompletedEventAttributes)!.workflowExecutionUpdateCompletedEventAttributes;
    expect(keyIdOf(accepted.acceptedRequest.input.args.payloads[0])).toBe('b');
    expect(keyIdOf(completed.outcome.success.payloads[0])).toBe('b');
  });

  it('a missing key fails the workflow task with a message that names it, and the worker goes on with other workflows', async () => {
    const a = freshKeyList('gone');
    const itemCode = await saveTestItem(stack.db);
    const taskQueue = `missing-key-${randomUUID()}`;
    const lost = await applicationInput(stack.db, itemCode);
    // Written under a key the worker was never given.
    await new Client({ connection: stack.connection, namespace: sharedTemporal().namespace, dataConverter: dataConverter(keysOf(a)) }).workflow.start(applicationWorkflow, { workflowId: lost.applicationNo, taskQueue, args: [lost] });
    const native = await NativeConnection.connect({ address: sharedTemporal().address });
    const worker = await Worker.create({
      connection: native,
      namespace: sharedTemporal().namespace,
      taskQueue,
      workflowBundle: { code: inject('workflowBundleCode') },
      dataConverter: stack.client.options.dataConverter,
      activities: createActivities({ db: stack.db }),
    });
    await worker.runUntil(async () => {
      const failure = async () => {
        const { events } = await stack.client.workflow.getHandle(lost.applicationNo).fetchHistory();
        return events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure?.message ?? '';
      };
      await expect.poll(failure, { timeout: 20_000 }).toMatch(/key "gone", which this process does not have: add it to PAYLOAD_KEYS/);
      // Another application on the same worker runs on.
      const fine = await applicationInput(stack.db, itemCode);
      const handle = await stack.client.workflow.start(applicationWorkflow, { workflowId: fine.applicationNo, taskQueue, args: [fine] });
      const state = await handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'market_regulation', officer: officer(windowOf('market_regulation')) }] });
      expect(state.stage).toBe('in_review');
      expect(worker.getState()).toBe('RUNNING');
    });
    await native.close();
  });

  it('a key that is not the one a payload was written with is named as such', async () => {
    const [written] = await new EncryptionCodec(keysOf(freshKeyList('k'))).encode([payloadFromJson(text({ a: 1 }))]);
    await expect(new EncryptionCodec(keysOf(freshKeyList('k'))).decode([written])).rejects.toThrow(/encrypted with key "k" does not decrypt with the key configured as "k"/);
  });

  it('come from PAYLOAD_KEYS or a key file; npm start makes the file once; production refuses to start without keys', () => {
    expect(() => payloadKeys(loadConfig({}), { localKeyFile: false })).toThrow(/Set PAYLOAD_KEYS .* or PAYLOAD_KEY_FILE/);
    expect(() => loadConfig({ PAYLOAD_KEYS: 'x:y', PAYLOAD_KEY_FILE: 'f' })).toThrow(/set one of them/);
    expect(() => keysOf('k1:c2hvcnQ=')).toThrow(/PAYLOAD_KEYS: key "k1" must be 32 bytes/);
    expect(() => keysOf(freshKeyList('k1'), 'k2')).toThrow(/PAYLOAD_KEY_ID: the current key "k2" is not among/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'onewindow-keys-'));
    try {
      const first = payloadKeys(loadConfig({ DATA_DIR: dir }), { localKeyFile: true });
      const again = payloadKeys(loadConfig({ DATA_DIR: dir }), { localKeyFile: true });
      expect(again.keys.get(again.current)).toEqual(first.keys.get(first.current));
      const file = path.join(dir, 'payload-keys.json');
      expect(JSON.parse(readFileSync(file, 'utf8')).current).toBe(first.current);
      expect(payloadKeys(loadConfig({ PAYLOAD_KEY_FILE: file }), { localKeyFile: false }).current).toBe(first.current);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the codec endpoint for the Temporal UI and CLI', () => {
  const decode = (who: string | undefined, payloads: JsonPayload[], headers: Record<string, string> = {}) =>
    (who ? stack.as(who) : stack.app.inject.bind(stack.app))({
      method: 'POST',
      url: '/v1/codec/decode',
      headers: { 'x-namespace': sharedTemporal().namespace, ...headers },
      payload: { payloads },
    });

  it('answers 401 to a caller who is not signed in', async () => {
    const { no } = await submit();
    const res = await decode(undefined, [await startedInput(rawClient().workflow.getHandle(no))]);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthorized');
  });

  it('decodes whole for staff who handle the application, masked for staff of another centre', async () => {
    const { no, applicant } = await submit();
    const input = await startedInput(rawClient().workflow.getHandle(no));
    const whole = await decode(windowOf('market_regulation'), [input]);
    expect(whole.statusCode).toBe(200);
    expect(valueOf(whole.json().payloads[0]).applicant).toMatchObject(applicant);
    const elsewhere = await decode(windowOf('market_regulation', '450200'), [input]);
    expect(elsewhere.statusCode).toBe(200);
    const masked = valueOf(elsewhere.json().payloads[0]).applicant as Record<string, string>;
    expect(masked).toMatchObject({ name: '韦**', phone: '138****2345', idNumber: `${applicant.idNumber.slice(0, 4)}**********${applicant.idNumber.slice(-4)}` });
    expect(JSON.stringify(elsewhere.json())).not.toContain(applicant.idNumber);
    // What is not encrypted (a history from before encryption) passes through.
    const plain = text({ note: 'no application' });
    expect((await decode(windowOf('market_regulation'), [plain])).json().payloads[0]).toEqual(plain);
  });

  it('encodes with the current key, which the decoder reads back', async () => {
    const encoded = await stack.as(windowOf('market_regulation'))({ method: 'POST', url: '/v1/codec/encode', payload: { payloads: [text({ a: 1 })] } });
    expect(encoded.statusCode).toBe(200);
    const [payload] = encoded.json().payloads as JsonPayload[];
    expect(keyIdOf(payload)).toBe('test-1');
    expect(valueOf((await decode(windowOf('market_regulation'), [payload])).json().payloads[0])).toEqual({ a: 1 });
  });

  it('answers a payload whose key the API lacks with a clear error in the one error shape', async () => {
    const [foreign] = await new EncryptionCodec(keysOf(freshKeyList('elsewhere-2026'))).encode([payloadFromJson(text({ a: 1 }))]);
    const res = await decode(windowOf('market_regulation'), [payloadToJson(foreign)]);
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('payload_key_missing');
    expect(res.json().error.message).toMatch(/key "elsewhere-2026", which this process does not have: add it to PAYLOAD_KEYS/);
  });

  it("decodes for the Temporal UI's cross-origin call that carries a signed-in window's session cookie", async () => {
    const { no, applicant } = await submit();
    const input = await startedInput(rawClient().workflow.getHandle(no));
    const { jar } = await signInOverHttp(stack.baseUrl, windowOf('market_regulation'), '/workstation');
    expect(jar.cookies.get('ow_session')).toBeTruthy();
    // As the UI's fetch with credentials sends it: its own origin, the cookie, no CSRF token.
    const call = (cookie?: string) =>
      fetch(`${stack.baseUrl}/v1/codec/decode`, {
        method: 'POST',
        headers: { origin: 'http://localhost:8233', 'content-type': 'application/json', 'x-namespace': sharedTemporal().namespace, ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ payloads: [input] }),
      });
    const res = await call(jar.header());
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(valueOf(((await res.json()) as { payloads: JsonPayload[] }).payloads[0]).applicant).toMatchObject(applicant);
    expect((await call()).status).toBe(401);
  });

  it("answers the Temporal UI's preflight for its origin, with credentials, and no other origin", async () => {
    const preflight = (origin: string) =>
      stack.app.inject({
        method: 'OPTIONS',
        url: '/v1/codec/decode',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
    const ui = await preflight('http://localhost:8233');
    expect(ui.statusCode).toBe(204);
    expect(ui.headers['access-control-allow-origin']).toBe('http://localhost:8233');
    expect(ui.headers['access-control-allow-credentials']).toBe('true');
    expect(String(ui.headers['access-control-allow-headers'])).toContain('x-namespace');
    const other = await preflight('https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
