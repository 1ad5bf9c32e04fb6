/**
 * A local OpenID Connect provider for development and tests (never production): `npm start` runs it
 * when no OIDC_ISSUER_URL is set, and the tests sign in through it. Its sign-in page lists the
 * organisation's officers from the database, grouped by centre with their role and department; one
 * click signs in as that officer. Consent is granted at once (OneWindow is its only, first-party
 * client), and it asks for an officer on every sign-in, so one browser can switch between officers.
 * Its signing key and cookie keys are made at start and never leave the process.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asc, eq, ilike, or } from 'drizzle-orm';
import type { default as Provider, KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../db/client.js';
import { centres, departments, officers } from '../db/schema/index.js';
import { departmentNameAt } from '../db/department-names.js';

export interface LocalIdp {
  issuer: string;
  clientId: string;
  /** Unset for a public client. */
  clientSecret?: string;
  close(): Promise<void>;
}

const ROLE_LABELS: Record<string, string> = {
  window_officer: 'Window officer 窗口工作人员',
  chief_representative: 'Chief representative 首席代表',
  department_leader: 'Department leader 部门负责人',
  supervisor: 'Supervisor 监察',
  system_administrator: 'System administrator 系统管理员',
  security_administrator: 'Security administrator 安全管理员',
  audit_administrator: 'Audit administrator 审计管理员',
};
const REGION = '450000';
const MAX_RESULTS = 300;

const html = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Starts the provider on a loopback port (0: any free one); the issuer is http://<hostname>:<port>. */
export async function startLocalIdp(options: {
  db: Db;
  port: number;
  /** How browsers and the API name this machine: `localhost` for `npm start`, `127.0.0.1` in tests. */
  hostname?: string;
  redirectUris: string[];
  clientId?: string;
  /** OneWindow as a public client: no secret, PKCE alone proves the code is its own. */
  publicClient?: boolean;
}): Promise<LocalIdp> {
  const { db } = options;
  const clientId = options.clientId ?? 'onewindow';
  const clientSecret = options.publicClient ? undefined : randomBytes(32).toString('base64url');
  // The issuer names the port, known once the server listens: requests before that are turned away.
  const started: { provider?: Provider } = {};
  const server = createServer((req, res) => {
    const { provider } = started;
    if (!provider) return void res.writeHead(503).end();
    const url = new URL(req.url ?? '/', 'http://idp.invalid');
    if (!url.pathname.startsWith('/interaction/')) return void provider.callback()(req, res);
    interaction(provider, db, req, res, url).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Sign-in could not go on: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const issuer = `http://${options.hostname ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;

  // Loaded only when a provider starts: the package warns about the runtime as it loads.
  const { default: Provider, interactionPolicy } = await import('oidc-provider');
  const { Check, base } = interactionPolicy;
  const policy = base();
  // An officer is picked on every sign-in, even while the provider remembers the last one.
  policy.get('login')!.checks.add(
    new Check('pick_officer', 'An officer is picked on every sign-in', (ctx) => (ctx.oidc.result?.login ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT)),
  );
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  started.provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        ...(clientSecret ? { client_secret: clientSecret, token_endpoint_auth_method: 'client_secret_post' } : { token_endpoint_auth_method: 'none' }),
        redirect_uris: options.redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    // The officer's name and id are in the ID token itself, for a claim other than `sub` to name the officer.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { AuthorizationCode: 60, AccessToken: 600, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    features: { devInteractions: { enabled: false } },
    interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const [officer] = await db.select({ name: officers.name }).from(officers).where(eq(officers.id, sub));
      return { accountId: sub, claims: () => ({ sub, name: officer?.name ?? sub, preferred_username: sub }) };
    },
    // OneWindow is the only client and first-party: what it asks for is granted without a consent page.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
  });

  return {
    issuer,
    clientId,
    clientSecret,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

async function interaction(provider: Provider, db: Db, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'POST' && url.pathname.endsWith('/login')) {
    const officer = (await readForm(req)).get('officer')?.trim();
    if (!officer) throw new Error('no officer was picked');
    await provider.interactionFinished(req, res, { login: { accountId: officer } }, { mergeWithLastSubmission: false });
    return;
  }
  const q = url.searchParams.get('q')?.trim() ?? '';
  const centre = url.searchParams.get('centre') ?? REGION;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(await signInPage(db, details.uid, q, centre));
}

async function signInPage(db: Db, uid: string, q: string, centre: string): Promise<string> {
  const allCentres = await db.select({ code: centres.code, name: centres.name, level: centres.level }).from(centres).orderBy(asc(centres.code));
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db
    .select({ id: officers.id, name: officers.name, role: officers.role, centreCode: officers.centreCode, centreName: centres.name, department: departments.name })
    .from(officers)
    .innerJoin(centres, eq(centres.code, officers.centreCode))
    .leftJoin(departments, eq(departments.code, officers.departmentCode))
    .where(q ? or(ilike(officers.id, pattern), ilike(officers.name, pattern)) : eq(officers.centreCode, centre))
    .orderBy(asc(officers.centreCode), asc(officers.departmentCode), asc(officers.id))
    .limit(MAX_RESULTS);

  const groups = new Map<string, typeof rows>();
  for (const row of rows) groups.set(row.centreCode, [...(groups.get(row.centreCode) ?? []), row]);
  const indent = { region: '', city: '\u00a0\u00a0', county: '\u00a0\u00a0\u00a0\u00a0' } as Record<string, string>;
  const options = allCentres
    .map((c) => `<option value="${c.code}"${!q && c.code === centre ? ' selected' : ''}>${indent[c.level] ?? ''}${html(c.name)} (${c.code})</option>`)
    .join('');
  const sections = [...groups.entries()]
    .map(([code, people]) => {
      const items = people
        .map(
          (o) => `<tr><th scope="row"><span lang="zh-CN">${html(o.name)}</span><br><code>${html(o.id)}</code></th><td>${html(ROLE_LABELS[o.role] ?? o.role)}</td><td lang="zh-CN">${html(o.department ? departmentNameAt(o.department, o.centreCode) : '—')}</td>
<td><button type="submit" name="officer" value="${html(o.id)}" aria-label="Sign in as ${html(o.name)} (${html(o.id)})">Sign in</button></td></tr>`,
        )
        .join('\n');
      return `<section aria-labelledby="c-${code}"><h2 id="c-${code}"><span lang="zh-CN">${html(people[0].centreName)}</span> (${code})</h2>
<table><thead><tr><th scope="col">Officer</th><th scope="col">Role</th><th scope="col">Department</th><th scope="col"><span class="sr">Action</span></th></tr></thead>
<tbody>${items}</tbody></table></section>`;
    })
    .join('\n');
  const found = q ? `${rows.length}${rows.length === MAX_RESULTS ? '+' : ''} officers match “${html(q)}”.` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · OneWindow local identity provider</title>
<link rel="icon" href="data:,">
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1a1a1a}
.warning{background:#fff4ce;border-left:4px solid #f9a825;padding:.5rem 1rem}
form.filter{display:flex;flex-wrap:wrap;gap:.75rem;align-items:end;margin:1rem 0}
label{display:flex;flex-direction:column;font-weight:600}
input,select,button{font:inherit;padding:.35rem .5rem}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ddd;vertical-align:top}
tbody th{font-weight:normal}
button{cursor:pointer;background:#0b5cad;color:#fff;border:0;border-radius:4px}
button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #f9a825;outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
</style></head>
<body><main>
<h1>Sign in to OneWindow</h1>
<p class="warning">Local identity provider for development and tests: whoever reaches this page may sign in as any officer.</p>
<form class="filter" method="get" role="search" aria-label="Find an officer">
<label for="centre">Centre<select id="centre" name="centre">${options}</select></label>
<label for="q">Or search officer id or name<input id="q" name="q" type="search" value="${html(q)}"></label>
<button type="submit" data-testid="idp-find">Show officers</button>
</form>
<p role="status">${found}</p>
<form method="post" action="/interaction/${html(uid)}/login">
${sections || '<p>No officer matches.</p>'}
</form>
<details><summary>Another account</summary>
<form method="post" action="/interaction/${html(uid)}/login">
<label for="other">An account id the organisation may not know (OneWindow refuses it)<input id="other" name="officer" required></label>
<button type="submit">Sign in with this account</button>
</form></details>
</main></body></html>`;
}
