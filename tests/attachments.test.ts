/**
 * Attachments: the applicant's materials uploaded as files by the integrator or a window, judged from
 * their bytes, stored once per content, downloaded only by those who may see the application, and
 * every download in the audit trail.
 */
import { createHash } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../api/app.js';
import { parseStoreUrl } from '../db/blob-store.js';
import { s3BlobStore } from '../db/s3-blob-store.js';
import { attachmentBlobs, attachments, auditLog } from '../db/schema/index.js';
import { ConfigError, loadConfig } from '../server/config.js';
import { freePort } from '../server/temporal.js';
import { exe, form, jpeg, ofd, pdf, png, zip } from './support/files.js';
import { type Inject, type Stack, caller, createKey, startStack, supervisorOf, windowOf } from './support/stack.js';
import { hasMoto, skippedWithoutMoto, startMoto } from './support/moto.js';
import { ok, windowActions } from './support/window.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());
const { submit } = windowActions(() => stack);

interface AttachmentView {
  id: string;
  applicationNo: string;
  material: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedAt: string;
  uploadedBy: { id: string; kind?: string; name?: string; role?: string };
  url: string;
}

const LICENCE = '营业执照';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Uploads one file as the material, as a browser's form sends it. */
const upload = (who: Inject, no: string, material: string | undefined, file: Buffer | undefined, fileName = 'file.pdf', contentType = 'application/pdf') =>
  who({
    method: 'POST',
    url: `/v1/applications/${no}/attachments`,
    ...form([...(material === undefined ? [] : [{ name: 'material', value: material }]), ...(file === undefined ? [] : [{ name: 'file', value: file, fileName, contentType }])]),
  });

const rowsOf = (no: string) => stack.db.select().from(attachments).where(eq(attachments.applicationNo, no));
const window = () => stack.as(windowOf('market_regulation'));

/** The same API with other attachment settings, for the limit and the stores. */
async function appWith(settings: App['deps']['attachments']) {
  const app = await buildApp({ ...stack.app.deps, attachments: settings });
  return {
    app,
    as: (officerId: string) => caller(app, async () => ({ authorization: `Bearer ${await stack.token(officerId)}` })),
    integrator: caller(app, async () => ({ 'x-api-key': stack.integrator.key })),
  };
}

describe('uploading materials', () => {
  it('takes PDF, JPEG, PNG and OFD from the integrator and the window, judged from the bytes, and lists them in upload order', async () => {
    const no = await submit();
    const byIntegrator = ok<AttachmentView>(await upload(stack.integrator, no, LICENCE, pdf(), '营业执照 副本.pdf'), 201);
    expect(byIntegrator).toMatchObject({
      applicationNo: no,
      material: LICENCE,
      fileName: '营业执照 副本.pdf',
      contentType: 'application/pdf',
      size: pdf().length,
      sha256: sha256(pdf()),
      uploadedBy: { id: `integrator:${stack.integrator.keyId}`, kind: 'integrator', name: 'Test portal' },
      url: `/v1/applications/${no}/attachments/${byIntegrator.id}`,
    });
    // The declared type and the name are the uploader's word; the bytes decide.
    const photo = ok<AttachmentView>(await upload(window(), no, '法定代表人身份证明', jpeg(), 'id.png', 'image/png'), 201);
    expect(photo).toMatchObject({ contentType: 'image/jpeg', uploadedBy: { id: windowOf('market_regulation'), kind: 'officer', role: 'window_officer' } });
    const seal = ok<AttachmentView>(await upload(window(), no, '公司章程', png(), 'seal', 'application/octet-stream'), 201);
    expect(seal.contentType).toBe('image/png');
    const licence = ok<AttachmentView>(await upload(stack.integrator, no, '名称预先核准通知书', ofd(), '核准通知书.ofd', 'application/octet-stream'), 201);
    expect(licence.contentType).toBe('application/ofd');

    const listed = ok<{ attachments: AttachmentView[] }>(await window()(`/v1/applications/${no}/attachments`));
    expect(listed.attachments.map((a) => a.id)).toEqual([byIntegrator.id, photo.id, seal.id, licence.id]);
    expect(listed.attachments[0]).toEqual(byIntegrator);
    expect(ok<{ attachments: AttachmentView[] }>(await stack.integrator(`/v1/applications/${no}/attachments`)).attachments).toHaveLength(4);
  });

  it('downloads the same bytes with the detected type, the Chinese file name, nosniff and the SHA-256 as ETag, and writes the download to the audit trail', async () => {
    const no = await submit();
    const bytes = ofd('食品经营许可证');
    const up = ok<AttachmentView>(await upload(stack.integrator, no, LICENCE, bytes, '食品经营许可证 (副本).ofd', 'application/zip'), 201);
    const res = await window()(up.url);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.rawPayload.equals(bytes)).toBe(true);
    expect(sha256(res.rawPayload)).toBe(up.sha256);
    expect(res.headers['content-type']).toBe('application/ofd');
    // RFC 8187: UTF-8, percent-encoded, the parentheses too.
    expect(res.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('食品经营许可证 ')}%28${encodeURIComponent('副本')}%29.ofd`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers.etag).toBe(`"${up.sha256}"`);

    const audited = await stack.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'GET /v1/applications/:no/attachments/:id'), eq(auditLog.target, `${no}/${up.id}`)));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ status: 200, centreCode: '450100', actor: { id: windowOf('market_regulation'), kind: 'officer' } });
    // The upload itself is a change, audited like every other.
    const uploads = await stack.db.select().from(auditLog).where(and(eq(auditLog.action, 'POST /v1/applications/:no/attachments'), eq(auditLog.target, no)));
    expect(uploads).toHaveLength(1);
  });

  it('answers 200 with the attachment already recorded when the same bytes come again for the same material, and keeps the bytes once', async () => {
    const no = await submit();
    const bytes = pdf(`repeated ${no}`);
    const first = ok<AttachmentView>(await upload(stack.integrator, no, LICENCE, bytes, 'a.pdf'), 201);
    const again = ok<AttachmentView>(await upload(window(), no, LICENCE, bytes, 'another name.pdf'), 200);
    expect(again).toEqual(first);
    expect(await rowsOf(no)).toHaveLength(1);
    // Another material of the same bytes is another attachment, sharing the stored bytes.
    const other = ok<AttachmentView>(await upload(stack.integrator, no, '公司章程', bytes, 'a.pdf'), 201);
    expect(other.id).not.toBe(first.id);
    expect(await stack.db.select({ n: sql<number>`count(*)::int` }).from(attachmentBlobs).where(eq(attachmentBlobs.sha256, first.sha256))).toEqual([{ n: 1 }]);
  });
});

describe('over HTTP', () => {
  it('takes a file from a FormData as fetch sends it, and serves it back byte for byte', async () => {
    const no = await submit();
    const served = await appWith({});
    try {
      const base = await served.app.listen({ port: 0, host: '127.0.0.1' });
      const body = new FormData();
      body.append('material', LICENCE);
      body.append('file', new Blob([png([9, 9, 9])], { type: 'image/png' }), '营业执照（扫描件）.png');
      const headers = { 'x-api-key': stack.integrator.key };
      const res = await fetch(`${base}/v1/applications/${no}/attachments`, { method: 'POST', body, headers });
      const up = (await res.json()) as AttachmentView;
      expect(res.status, JSON.stringify(up)).toBe(201);
      expect(up).toMatchObject({ fileName: '营业执照（扫描件）.png', contentType: 'image/png', sha256: sha256(png([9, 9, 9])) });
      const download = await fetch(`${base}${up.url}`, { headers });
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(png([9, 9, 9]))).toBe(true);
      expect(decodeURIComponent(download.headers.get('content-disposition')!.split("''")[1]!)).toBe('营业执照（扫描件）.png');
    } finally {
      await served.app.close();
    }
  });
});

describe('refusing bad files', () => {
  it('refuses an executable named .pdf, a plain ZIP, an empty file, a missing file or material, each with 400 naming the problem, and records nothing', async () => {
    const no = await submit();
    const refusal = async (res: Awaited<ReturnType<Inject>>, code: string) => {
      expect(res.statusCode, res.body).toBe(400);
      const body = res.json() as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      return body.error.message;
    };
    const program = await refusal(await upload(stack.integrator, no, LICENCE, exe(), '营业执照.pdf', 'application/pdf'), 'unsupported_type');
    expect(program).toMatch(/EXE \(application\/x-msdownload\).*PDF, JPEG, PNG, OFD/);
    const archive = await refusal(await upload(stack.integrator, no, LICENCE, zip({ 'readme.txt': 'not an OFD' }), 'x.ofd', 'application/ofd'), 'unsupported_type');
    expect(archive).toMatch(/ZIP archive without OFD\.xml/);
    // OFD.xml must be at the root, not in a folder.
    await refusal(await upload(stack.integrator, no, LICENCE, zip({ 'Doc/OFD.xml': '<ofd/>' }), 'x.ofd'), 'unsupported_type');
    expect(await refusal(await upload(stack.integrator, no, LICENCE, Buffer.from('just some text, 营业执照'), 'x.pdf'), 'unsupported_type')).toMatch(/no recognised file type/);
    expect(await refusal(await upload(stack.integrator, no, LICENCE, Buffer.alloc(0), 'empty.pdf'), 'empty_file')).toMatch(/empty/);
    await refusal(await upload(stack.integrator, no, LICENCE, undefined), 'missing_file');
    await refusal(await upload(stack.integrator, no, undefined, pdf()), 'missing_material');
    await refusal(await upload(stack.integrator, no, '   ', pdf()), 'missing_material');
    await refusal(await upload(stack.integrator, no, '材'.repeat(201), pdf()), 'validation_failed');
    await refusal(await stack.integrator({ method: 'POST', url: `/v1/applications/${no}/attachments`, payload: { material: LICENCE } }), 'missing_file');
    const post = (body: ReturnType<typeof form>) => stack.integrator({ method: 'POST', url: `/v1/applications/${no}/attachments`, ...body });
    const two = form([{ name: 'material', value: LICENCE }, { name: 'file', value: pdf(), fileName: 'a.pdf' }, { name: 'file', value: png(), fileName: 'b.png' }]);
    expect(await refusal(await post(two), 'validation_failed')).toMatch(/one file per upload/);
    const misnamed = form([{ name: 'material', value: LICENCE }, { name: 'upload', value: pdf(), fileName: 'a.pdf' }]);
    expect(await refusal(await post(misnamed), 'validation_failed')).toMatch(/upload: is not a field of this form/);
    const noBoundary = { payload: form([{ name: 'material', value: LICENCE }]).payload, headers: { 'content-type': 'multipart/form-data' } };
    expect(await refusal(await post(noBoundary), 'validation_failed')).toMatch(/multipart form cannot be read/);
    const cutShort = form([{ name: 'material', value: LICENCE }, { name: 'file', value: pdf(), fileName: 'a.pdf' }]);
    await refusal(await post({ ...cutShort, payload: cutShort.payload.subarray(0, cutShort.payload.length - 40) }), 'validation_failed');
    expect(await rowsOf(no)).toEqual([]);
    expect(await stack.db.select().from(attachmentBlobs).where(eq(attachmentBlobs.sha256, sha256(exe())))).toEqual([]);
  });

  it('refuses a file over the limit with file_too_large naming the limit: 20 MiB by default, or as configured', async () => {
    const no = await submit();
    const big = Buffer.concat([pdf(), Buffer.alloc(20 * 1024 * 1024 + 1 - pdf().length, 0x20)]);
    const tooLarge = await upload(stack.integrator, no, LICENCE, big, 'big.pdf');
    expect(tooLarge.statusCode, tooLarge.body).toBe(400);
    expect(tooLarge.json()).toMatchObject({ error: { code: 'file_too_large', message: expect.stringContaining('20 MiB') } });
    const justFits = Buffer.concat([pdf(), Buffer.alloc(20 * 1024 * 1024 - pdf().length, 0x20)]);
    ok(await upload(stack.integrator, no, LICENCE, justFits, 'big.pdf'), 201);

    const small = await appWith({ maxBytes: 1024 });
    try {
      const res = await upload(small.integrator, no, '公司章程', Buffer.concat([pdf(), Buffer.alloc(1024, 0x20)]), 'a.pdf');
      expect(res.json()).toMatchObject({ error: { code: 'file_too_large', message: expect.stringContaining('1024 bytes (1 KiB)') } });
      expect((await rowsOf(no)).map((r) => r.material)).toEqual([LICENCE]);
    } finally {
      await small.app.close();
    }
    expect(() => loadConfig({ ATTACHMENTS_MAX_BYTES: 'lots' })).toThrow(/ATTACHMENTS_MAX_BYTES: must be a whole number/);
    expect(loadConfig({ ATTACHMENTS_MAX_BYTES: '1048576' }).attachments.maxBytes).toBe(1_048_576);
    expect(loadConfig({}).attachments.maxBytes).toBe(20 * 1024 * 1024);
  });
});

describe('who may see them', () => {
  it('refuses another centre’s window and another integrator (403), lets a supervisor list but not download, and answers 404 for what does not exist', async () => {
    const no = await submit();
    const up = ok<AttachmentView>(await upload(stack.integrator, no, LICENCE, png([1, 2, 3]), 'a.png', 'image/png'), 201);
    const stranger = stack.as(windowOf('market_regulation', '450200'));
    const { key } = await createKey(stack.db, ['450000'], '另一个门户');
    const otherPortal = caller(stack.app, async () => ({ 'x-api-key': key }));
    for (const who of [stranger, otherPortal]) {
      expect((await upload(who, no, LICENCE, pdf(), 'x.pdf')).statusCode).toBe(403);
      expect((await who(`/v1/applications/${no}/attachments`)).statusCode).toBe(403);
      const download = await who(up.url);
      expect(download.statusCode).toBe(403);
      expect(download.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
    const supervisor = stack.as(supervisorOf('450000'));
    expect(ok<{ attachments: AttachmentView[] }>(await supervisor(`/v1/applications/${no}/attachments`)).attachments).toHaveLength(1);
    expect((await supervisor(up.url)).statusCode).toBe(403);
    // Supervisors upload nothing: only the integrator and the windows hand in materials.
    expect((await upload(supervisor, no, LICENCE, pdf(), 'x.pdf')).statusCode).toBe(403);
    expect(await rowsOf(no)).toHaveLength(1);

    expect((await upload(stack.integrator, '450100-20000101-999999', LICENCE, pdf(), 'x.pdf')).statusCode).toBe(404);
    expect((await window()(`/v1/applications/${no}/attachments/00000000-0000-4000-8000-000000000000`)).statusCode).toBe(404);
    expect((await window()(`/v1/applications/${no}/attachments/not-a-uuid`)).statusCode).toBe(404);
    expect((await stack.app.inject(up.url)).statusCode).toBe(401);
    const downloads = await stack.db.select().from(auditLog).where(eq(auditLog.target, `${no}/${up.id}`));
    expect(downloads).toEqual([]);
  });
});

describe('nothing half-stored', () => {
  it('a row that fails to be written leaves no attachment, only the content-addressed bytes, which the next identical upload reuses', async () => {
    const no = await submit();
    const bytes = jpeg(`fails once ${no}`);
    await stack.db.execute(sql.raw(`
      create or replace function attachments_test_fail() returns trigger language plpgsql as $$
      begin
        if new.material = 'fails-on-insert' then raise exception 'the attachment row cannot be written (test)'; end if;
        return new;
      end $$;
      create trigger attachments_test_fail before insert on attachments for each row execute function attachments_test_fail();`));
    try {
      const failed = await upload(stack.integrator, no, 'fails-on-insert', bytes, 'a.jpg', 'image/jpeg');
      expect(failed.statusCode, failed.body).toBe(500);
      expect(await rowsOf(no)).toEqual([]);
    } finally {
      await stack.db.execute(sql.raw('drop trigger attachments_test_fail on attachments; drop function attachments_test_fail();'));
    }
    const [left] = await stack.db.select().from(attachmentBlobs).where(eq(attachmentBlobs.sha256, sha256(bytes)));
    expect(left?.bytes?.equals(bytes)).toBe(true);
    const later = ok<AttachmentView>(await upload(stack.integrator, no, 'fails-on-insert', bytes, 'a.jpg', 'image/jpeg'), 201);
    expect(later.sha256).toBe(sha256(bytes));
    expect(await stack.db.select().from(attachmentBlobs).where(eq(attachmentBlobs.sha256, sha256(bytes)))).toHaveLength(1);
  });

  it('answers 503 and records nothing when the object store cannot be reached', async () => {
    const no = await submit();
    const closedPort = await freePort();
    const down = await appWith({ store: s3BlobStore(parseStoreUrl(`s3://materials?endpoint=http://127.0.0.1:${closedPort}&forcePathStyle=true&region=cn-south-1`)) });
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    try {
      const bytes = pdf(`unstored ${no}`);
      const res = await upload(down.integrator, no, LICENCE, bytes, 'a.pdf');
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json()).toMatchObject({ error: { code: 'unavailable' } });
      expect(await rowsOf(no)).toEqual([]);
      expect(await stack.db.select().from(attachmentBlobs).where(eq(attachmentBlobs.sha256, sha256(bytes)))).toEqual([]);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      await down.app.close();
    }
  });
});

describe('configuration', () => {
  it('reads the object store from ATTACHMENTS_STORE_URL and names the variable when it is wrong', () => {
    expect(parseStoreUrl('s3://materials/onewindow/prod?endpoint=http://127.0.0.1:9000&region=cn-south-1&forcePathStyle=true')).toEqual({
      bucket: 'materials',
      prefix: 'onewindow/prod/',
      endpoint: 'http://127.0.0.1:9000',
      region: 'cn-south-1',
      forcePathStyle: true,
    });
    expect(parseStoreUrl('s3://materials')).toEqual({ bucket: 'materials', prefix: '', endpoint: undefined, region: undefined, forcePathStyle: false });
    expect(loadConfig({}).attachments.storeUrl).toBeUndefined();
    for (const bad of ['http://bucket/x', 's3:///x', 's3://b?forcePathStyle=yes', 's3://b?endpoint=ftp://x']) {
      expect(() => loadConfig({ ATTACHMENTS_STORE_URL: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ ATTACHMENTS_STORE_URL: bad }), bad).toThrow(/ATTACHMENTS_STORE_URL: /);
    }
  });
});

describe.skipIf(!hasMoto)(`the S3 store${skippedWithoutMoto}`, () => {
  let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
  let endpoint = '';
  beforeAll(async () => {
    moto = await startMoto();
    endpoint = moto.endpoint;
  });
  afterAll(() => moto?.stop());

  it('keeps the bytes in the bucket under their hash, none in PostgreSQL, and serves them back', async () => {
    const config = loadConfig({ ATTACHMENTS_STORE_URL: `s3://onewindow-materials/tests?endpoint=${endpoint}&region=us-east-1&forcePathStyle=true` });
    const store = s3BlobStore(parseStoreUrl(config.attachments.storeUrl!));
    await store.client.send(new CreateBucketCommand({ Bucket: 'onewindow-materials' }));
    const s3 = await appWith({ store });
    try {
      const no = await submit();
      const bytes = ofd(`S3 ${no}`);
      const up = ok<AttachmentView>(await upload(s3.integrator, no, LICENCE, bytes, '许可证.ofd'), 201);
      expect(ok<AttachmentView>(await upload(s3.as(windowOf('market_regulation')), no, LICENCE, bytes, '许可证.ofd'), 200).id).toBe(up.id);
      const object = await store.client.send(new GetObjectCommand({ Bucket: 'onewindow-materials', Key: `tests/${up.sha256}` }));
      expect(Buffer.from(await object.Body!.transformToByteArray()).equals(bytes)).toBe(true);
      const [blob] = await stack.db.select().from(attachmentBlobs).where(eq(attachmentBlobs.sha256, up.sha256));
      expect(blob).toMatchObject({ size: bytes.length, contentType: 'application/ofd', bytes: null });
      const res = await s3.as(windowOf('market_regulation'))(up.url);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.rawPayload.equals(bytes)).toBe(true);
      expect(await store.get('0'.repeat(64))).toBeUndefined();
    } finally {
      await s3.app.close();
      store.client.destroy();
    }
  });
});
