#!/usr/bin/env node
// `npm test` runs this first: the tests need a real PostgreSQL server. With DATABASE_URL set, or a
// server already on 127.0.0.1:5432, there is nothing to do; on Debian as root it installs and starts
// one (scripts/ensure-postgres.sh); elsewhere it says what to do.
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

if (process.env.DATABASE_URL || (await listening())) process.exit(0);
if (process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  const { status } = spawnSync('bash', ['scripts/ensure-postgres.sh'], { stdio: 'inherit' });
  process.exit(status ?? 1);
}
console.error(
  'npm test needs a PostgreSQL server: set DATABASE_URL=postgres://user:password@host:5432/db (a role that may ' +
    'create databases), or start one on 127.0.0.1:5432 with user postgres / password postgres.',
);
process.exit(1);
