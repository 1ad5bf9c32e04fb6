/**
 * A PostgreSQL cluster of the fault run's own, on its own port, so that stopping it disturbs nothing
 * else on the machine. Uses the server binaries of Debian's `postgresql` package (initdb refuses to
 * run as root, so as root the cluster runs as the `postgres` user, and so do its backup tools, whose
 * files the restored cluster must own). The restore drill (scripts/drill.ts) also backs one up with
 * pg_basebackup and pg_receivewal, SIGKILLs it and builds a new one from the backup.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Cluster {
  url: string;
  /** The data directory. */
  data: string;
  start(): void;
  stop(): void;
  /** SIGKILLs the postmaster and every backend, as a crash of the machine would end them. */
  kill(): void;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  if (!version) throw new Error('PostgreSQL server binaries not found in /usr/lib/postgresql (bash scripts/ensure-postgres.sh installs them)');
  return path.join(root, version, 'bin');
}

const asRoot = () => process.getuid?.() === 0;

/** The command line that runs one of PostgreSQL's tools as the cluster's owner. */
export function pgTool(tool: string, args: string[]): [string, string[]] {
  const bin = path.join(binDir(), tool);
  return asRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

/** Runs one of PostgreSQL's tools to its end, as the cluster's owner. */
export function runPgTool(tool: string, args: string[]): Buffer {
  const [command, commandArgs] = pgTool(tool, args);
  return execFileSync(command, commandArgs, { stdio: 'pipe' });
}

/** Starts one that runs until stopped (pg_receivewal), as the cluster's owner, in a process group of its own. */
export function spawnPgTool(tool: string, args: string[], logFile: string): ChildProcess {
  const [command, commandArgs] = pgTool(tool, args);
  const out = openSync(logFile, 'a');
  return spawn(command, commandArgs, { stdio: ['ignore', out, out], detached: true });
}

/** A directory the cluster's owner may write, and no one else read. */
export function ownedDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  if (asRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  return dir;
}

/** A new cluster in `dir`/data, listening on 127.0.0.1:`port` only. */
export function createCluster(dir: string, port: number): Cluster {
  ownedDir(dir);
  const data = path.join(dir, 'data');
  runPgTool('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  return clusterAt(dir, data, port);
}

/**
 * A cluster made from a base backup (pg_basebackup's plain format, in `backup`) and the WAL archived
 * since (`archive`: pg_receivewal's or archive_command's files): started, it replays the archive to its
 * end and is then promoted, on a new timeline, to take writes. pg_receivewal's last segment, still
 * `.partial`, is given its name so that the transactions in it are replayed too.
 */
export function restoreCluster(dir: string, port: number, backup: { base: string; archive: string }): Cluster {
  ownedDir(dir);
  const data = path.join(dir, 'data');
  execFileSync(...pgCopy(backup.base, data));
  completePartial(backup.archive);
  // Later lines win: the restored cluster archives nothing and waits for no standby until it has its own.
  appendFileSync(
    path.join(data, 'postgresql.auto.conf'),
    [`restore_command = 'cp ${backup.archive}/%f %p'`, "recovery_target_timeline = 'latest'", "synchronous_standby_names = ''", ''].join('\n'),
  );
  writeFileSync(path.join(data, 'recovery.signal'), '');
  if (asRoot()) execFileSync('chown', ['postgres:postgres', path.join(data, 'recovery.signal'), path.join(data, 'postgresql.auto.conf')]);
  return clusterAt(dir, data, port);
}

/** pg_receivewal's segment still being written when the primary died, copied under its own name, for replay. */
export function completePartial(archive: string): void {
  for (const file of readdirSync(archive).filter((f) => f.endsWith('.partial'))) {
    execFileSync(...pgCopy(path.join(archive, file), path.join(archive, file.slice(0, -'.partial'.length))));
  }
}

const pgCopy = (from: string, to: string): [string, string[]] => (asRoot() ? ['runuser', ['-u', 'postgres', '--', 'cp', '-a', from, to]] : ['cp', ['-a', from, to]]);

function clusterAt(dir: string, data: string, port: number): Cluster {
  const pgCtl = (...args: string[]) => runPgTool('pg_ctl', ['-D', data, '-w', '-t', '60', ...args]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    data,
    start: () => pgCtl('-l', path.join(dir, 'postgres.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'),
    stop: () => pgCtl('-m', 'fast', 'stop'),
    kill: () => {
      const pidFile = path.join(data, 'postmaster.pid');
      if (!existsSync(pidFile)) return;
      const postmaster = readFileSync(pidFile, 'utf8').split('\n')[0];
      const children = execFileSync('ps', ['-o', 'pid=', '--ppid', postmaster]).toString().split('\n').filter((l) => l.trim());
      for (const pid of [postmaster, ...children]) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}
