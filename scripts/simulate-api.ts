/** Where `npm run simulate` finds the API, and what it says when nothing answers there. */

/** --api, else ONEWINDOW_API, else the port `npm start` listens on (PORT, 3000 by default) on this machine. */
export function apiBase(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const base = option || env.ONEWINDOW_API || `http://localhost:${env.PORT || 3000}`;
  return base.replace(/\/+$/, '');
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN']);

/**
 * One line for an API that does not answer (fetch's "fetch failed" hides the reason in its cause),
 * or undefined for any other error.
 */
export function unreachableMessage(error: unknown, api: string): string | undefined {
  const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } } | undefined)?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  if (!code || !UNREACHABLE.has(code)) return undefined;
  return `simulate: no OneWindow API answers at ${api} (${code}). Start it with \`npm start\`, or pass --api <url> (or set PORT or ONEWINDOW_API).`;
}
