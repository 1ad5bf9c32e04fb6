/**
 * `npm run build`: the production processes as compiled JavaScript in dist/ (tsc with
 * tsconfig.build.json), with what they read at run time beside them (the migrations, the seed, the
 * web pages) and the workflow bundle made ahead (dist/workflow-bundle.js, WORKFLOW_BUNDLE's default
 * for `npm run worker`). Then `npm run api` and `npm run worker` run `node dist/server/*.js`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const started = performance.now();
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const assets of ['db/migrations', 'db/seed', 'web']) cpSync(path.join(root, assets), path.join(dist, assets), { recursive: true });
// Bundled from the compiled workflows, as the compiled worker would bundle them itself.
const { bundleWorkflows } = (await import(path.join(dist, 'server', 'runtime.js'))) as typeof import('../server/runtime.js');
writeFileSync(path.join(dist, 'workflow-bundle.js'), (await bundleWorkflows()).code);
console.log(`dist/: compiled, assets copied, workflows bundled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
