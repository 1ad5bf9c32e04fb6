/**
 * Synthetic cameras on loopback, for tests and `npm run simulate -- --cameras`: one RTSP server
 * (scripts/video/rtsp-camera.py, GStreamer's) with a mount per camera, each a test pattern showing the
 * wall-clock time. `stop()` and `start()` again make every camera drop and come back.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rtsp-camera.py');
/** Debian's interpreter: python3-gi is installed for it, not for another python3 on the PATH. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export interface SyntheticCameras {
  /** rtsp://127.0.0.1:<port><mount>, without credentials. */
  url(mount: string): string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The server's process id while it runs (to measure what it costs, or to kill it on exit). */
  pid(): number | undefined;
}

/** How each camera encodes (the script's defaults: 320x240, 10 fps, 256 kbit/s, patterns in turn). */
export interface SyntheticCameraEncoding {
  width?: number;
  height?: number;
  fps?: number;
  /** The encoder's target, kbit/s. */
  bitrate?: number;
  /** A GStreamer videotestsrc pattern (ball, smpte, snow, …) for every mount. */
  pattern?: string;
}

export async function startSyntheticCameras(
  options: { port: number; mounts: string[]; user?: string; password?: string } & SyntheticCameraEncoding,
): Promise<SyntheticCameras> {
  let child: ChildProcess | undefined;
  const args = ['--port', String(options.port), ...options.mounts.flatMap((m) => ['--mount', m])];
  if (options.user) args.push('--user', options.user, '--password', options.password ?? '');
  for (const key of ['width', 'height', 'fps', 'bitrate', 'pattern'] as const) {
    if (options[key] !== undefined) args.push(`--${key}`, String(options[key]));
  }

  async function start(): Promise<void> {
    const proc = spawn(PYTHON, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let errors = '';
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (errors += d));
    await new Promise<void>((resolve, reject) => {
      proc.stdout!.setEncoding('utf8').on('data', (d: string) => d.includes('ready') && resolve());
      proc.once('exit', (code) => reject(new Error(`the synthetic camera server exited (${code}): ${errors.trim()}`)));
      proc.once('error', reject);
    });
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  }

  await start();
  return { url: (mount) => `rtsp://127.0.0.1:${options.port}${mount}`, start, stop, pid: () => child?.pid };
}
