/**
 * moto's S3 server from PyPI, installed into .tools/moto by `npm install` (scripts/install-tools.mjs),
 * for the tests of what OneWindow keeps in S3: attachments, audit checkpoints, Temporal's archive.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../server/temporal.js';

export const MOTO = path.resolve(import.meta.dirname, '../../.tools/moto/bin/moto_server');
export const hasMoto = existsSync(MOTO);
/** On CI moto must be there: a skipped S3 test there would prove nothing. */
if (process.env.CI === 'true' && !hasMoto) throw new Error(`CI needs moto_server at ${MOTO} (npm run tools:install)`);
export const skippedWithoutMoto = hasMoto ? '' : ' (skipped: moto_server is not in .tools/moto/bin; run npm run tools:install)';

/**
 * Starts moto on a free port and waits until it answers; with `credentials`, puts test AWS credentials
 * in this process's environment until `stop()`, which ends moto and puts the environment back.
 */
export async function startMoto({ credentials = true } = {}): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const endpoint = `http://127.0.0.1:${await freePort()}`;
  const moto = spawn(MOTO, ['-H', '127.0.0.1', '-p', new URL(endpoint).port], { env: { ...process.env, PYTHONPATH: path.dirname(path.dirname(MOTO)) }, stdio: 'ignore' });
  for (const deadline = Date.now() + 30_000; !(await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false)); await new Promise((r) => setTimeout(r, 200))) {
    if (Date.now() > deadline || moto.exitCode !== null) throw new Error(`moto_server did not start on ${endpoint}`);
  }
  const saved = { AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY };
  if (credentials) Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  return {
    endpoint,
    async stop() {
      if (moto.exitCode === null) {
        const exited = once(moto, 'exit');
        moto.kill();
        await exited;
      }
      if (!credentials) return;
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}
