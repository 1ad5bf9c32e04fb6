/** `npm run simulate`: where it finds the API, and its one line when nothing answers there. */
import { describe, expect, it } from 'vitest';
import { apiBase, unreachableMessage } from '../scripts/simulate-api.js';
import { freePort } from '../server/temporal.js';

describe('npm run simulate: the API base', () => {
  it('takes --api, else ONEWINDOW_API, else localhost on PORT, else port 3000', () => {
    expect(apiBase('http://example.test:8080/', { PORT: '3992' })).toBe('http://example.test:8080');
    expect(apiBase(undefined, { ONEWINDOW_API: 'http://api.test', PORT: '3992' })).toBe('http://api.test');
    expect(apiBase(undefined, { PORT: '3992' })).toBe('http://localhost:3992');
    expect(apiBase(undefined, {})).toBe('http://localhost:3000');
  });

  it('says in one line that nothing answers, for a refused connection, and leaves other errors alone', async () => {
    // A port nothing listens on (one just free): fetch fails with the reason in its cause.
    const api = `http://127.0.0.1:${await freePort()}`;
    const error = await fetch(`${api}/v1/items`).catch((e: unknown) => e);
    const message = unreachableMessage(error, api);
    expect(message).toBe(
      `simulate: no OneWindow API answers at ${api} (ECONNREFUSED). Start it with \`npm start\`, or pass --api <url> (or set PORT or ONEWINDOW_API).`,
    );
    expect(message).not.toContain('\n');
    expect(unreachableMessage(new Error('GET /v1/items: 500'), api)).toBeUndefined();
  });
});
