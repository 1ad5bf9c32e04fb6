/**
 * Every test file's process appends to the audit trail (the API's hook, the worker's activities), so
 * each starts with the run's audit keys, as server/api.ts and server/worker.ts do with theirs. Its
 * checkpoints go to a folder of its own: the run's files share one database, not one checkpoint history.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useAuditKeys } from '../../server/audit-keys.js';
import { loadConfig } from '../../server/config.js';
import { TEST_AUDIT_KEYS } from './stack.js';

useAuditKeys(loadConfig({ ...TEST_AUDIT_KEYS, AUDIT_CHECKPOINT_DIR: mkdtempSync(path.join(tmpdir(), 'onewindow-checkpoints-')) }), { local: 'none' });
