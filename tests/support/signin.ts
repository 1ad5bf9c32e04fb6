/**
 * Signing in through the local identity provider (server/local-idp.ts) as a browser does: in a real
 * browser with Playwright (`signIn`), or over plain HTTP with a cookie jar (`signInOverHttp`). Both
 * need a stack started with `startStack({ signIn: true })`, whose `baseUrl` they take.
 */
import type { Page } from 'playwright-core';

/**
 * Goes to /auth/login, picks the officer on the identity provider's page and lands back signed in, on
 * `returnTo` (default /workstation, the API's own default).
 */
export async function signIn(page: Page, baseUrl: string, officerId: string, returnTo = '/workstation'): Promise<void> {
  await page.goto(`${baseUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  await page.locator('input[name="q"]').fill(officerId);
  await page.locator('[data-testid="idp-find"]').click();
  await page.locator(`button[name="officer"][value="${officerId}"]`).click();
  const back = new URL(returnTo, baseUrl);
  await page.waitForURL((url) => url.origin === back.origin && url.pathname === back.pathname);
}

/** Cookies by name, as a browser on one host keeps them (the API and the provider share 127.0.0.1). */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  /** The raw Set-Cookie lines last seen per cookie name, for checking their attributes. */
  readonly lines = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const value = pair.slice(pair.indexOf('=') + 1).trim();
      this.lines.set(name, line);
      const gone = attributes.some((a) => /^\s*max-age=0$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()));
      if (gone || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** A request with the jar's cookies; the answer's cookies go back into the jar. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size && !headers.has('cookie')) headers.set('cookie', this.header());
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.store(response);
    return response;
  }
}

/**
 * The whole code flow over HTTP: /auth/login, the provider's page, the pick of an officer (any id:
 * the provider signs in whatever account it is given), back to /auth/callback. Returns the callback's
 * answer (302 to `returnTo` when signed in) and the jar that now holds the session's cookies.
 */
export async function signInOverHttp(baseUrl: string, officerId: string, returnTo?: string, jar = new CookieJar()) {
  const login = `${baseUrl}/auth/login${returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`}`;
  let response = await jar.fetch(login);
  const authorize = response.headers.get('location');
  if (response.status !== 302 || !authorize) throw new Error(`/auth/login answered ${response.status}`);
  let url = authorize;
  // Through the provider's redirects to its sign-in page.
  for (response = await jar.fetch(url); response.status >= 300 && response.status < 400; response = await jar.fetch(url)) {
    url = new URL(response.headers.get('location')!, url).href;
  }
  const page = await response.text();
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  if (!action) throw new Error(`no sign-in form on the provider's page (${response.status}): ${page.slice(0, 200)}`);
  url = new URL(action, url).href;
  response = await jar.fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ officer: officerId }) });
  // Through the provider's redirects until the browser is sent back to OneWindow's callback.
  while (response.status >= 300 && response.status < 400) {
    url = new URL(response.headers.get('location')!, url).href;
    response = await jar.fetch(url, { headers: { accept: 'application/json' } });
    if (url.startsWith(`${baseUrl}/auth/callback`)) break;
  }
  return { response, jar, callbackUrl: url };
}
