/**
 * `npm run recorder`: records the windows' cameras (server/recorder.ts) into VIDEO_DIR, which the API
 * processes read for playback (a shared volume in production). VIDEO_CENTRES splits the cameras among
 * several recorders; RECORDER_METRICS_ADDRESS serves each camera's health to Prometheus.
 */
import { metricsRegistry, serveMetrics } from '../api/metrics.js';
import { openDatabase } from '../db/client.js';
import { loadConfig } from './config.js';
import { startRecorder } from './recorder.js';
import { createLogger, runProcess } from './runtime.js';

await runProcess(async () => {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('npm run recorder needs DATABASE_URL: the embedded database serves `npm start` only (which records too)');
  const logger = createLogger(config.logLevel);
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const registry = config.video.metricsAddress ? metricsRegistry() : undefined;
  const stopMetrics = registry && (await serveMetrics(registry, config.video.metricsAddress!));
  const recorder = await startRecorder({ db: database.db, logger, root: config.video.dir, registry, ...config.video });
  logger.info({ dir: config.video.dir, centres: config.video.centres ?? 'all', retentionDays: config.video.retentionDays }, 'recording the windows’ cameras');
  return [() => recorder.close(), async () => stopMetrics?.(), () => database.close()];
});
