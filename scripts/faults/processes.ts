/**
 * The fault run's and the restore drill's own processes (workers, APIs): each in its own process group,
 * so that SIGKILL reaches tsx's node child too, and restarted a second after it dies, as systemd would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Supervised {
  kill9(): void;
  /** SIGTERM, SIGKILL after 15 s; not restarted. */
  stop(): Promise<void>;
  /** SIGKILL, not restarted until start(). */
  destroy(): void;
  start(): void;
}

/** Runs `script` (a .ts file of the repository) with `env`, its output appended to `logDir`/`name`.log. */
export function supervise(name: string, script: string, env: NodeJS.ProcessEnv, logDir: string): Supervised {
  let child: ChildProcess | undefined;
  let wanted = true;
  const start = () => {
    wanted = true;
    const out = openSync(path.join(logDir, `${name}.log`), 'a');
    const started = spawn(path.join(root, 'node_modules/.bin/tsx'), [script], { cwd: root, env, stdio: ['ignore', out, out], detached: true });
    child = started;
    started.once('exit', () => {
      if (wanted && child === started) setTimeout(start, 1000); // as systemd would
    });
  };
  const kill9 = () => {
    try {
      if (child?.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  start();
  return {
    kill9,
    destroy: () => {
      wanted = false;
      kill9();
    },
    start,
    stop: async () => {
      wanted = false;
      if (child?.pid && child.exitCode === null) {
        const exited = new Promise((r) => child!.once('exit', r));
        process.kill(-child.pid, 'SIGTERM');
        await Promise.race([exited, sleep(15_000)]);
        if (child.exitCode === null) kill9();
      }
    },
  };
}
