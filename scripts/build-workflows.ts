/**
 * `npm run build:workflows [file]`: bundles the workflow code once, ahead of time, into
 * build/workflow-bundle.js (or the file named). A worker started with WORKFLOW_BUNDLE=<that file> reads
 * it instead of bundling as it starts. Rebuild it with every release of the workflow code.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflows } from '../server/runtime.js';

const file = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../build/workflow-bundle.js'));
const started = performance.now();
const { code } = await bundleWorkflows();
await mkdir(path.dirname(file), { recursive: true });
await writeFile(file, code);
console.log(`${file}: ${(code.length / 1024).toFixed(0)} KiB, bundled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
