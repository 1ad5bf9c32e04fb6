#!/usr/bin/env node
// `npm test` runs this first: the tests need a real PostgreSQL server and Debian's Chromium. With
// DATABASE_URL set, or a server already on 127.0.0.1:5432, there is nothing to do for the database;
// on Debian as root it installs and starts what is missing (scripts/ensure-*.sh); elsewhere it says
// what to do.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

const listening = () =>
  new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: 5432 });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });

const debianRoot = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
// The page tests drive Debian's Chromium.
if (!existsSync('/usr/bin/chromium') && debianRoot) {
  const { status } = spawnSync('bash', ['scripts/ensure-chromium.sh'], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}
if (process.env.DATABASE_URL || (await listening())) process.exit(0);
if (debianRoot) {
  const { status } = spawnSync('bash', ['scripts/ensure-postgres.sh'], { stdio: 'inherit' });
  process.exit(status ?? 1);
}
console.error(
  'npm test needs a PostgreSQL server: set DATABASE_URL=postgres://user:password@host:5432/db (a role that may ' +
    'create databases), or start one on 127.0.0.1:5432 with user postgres / password postgres.',
);
process.exit(1);
