import 'reflect-metadata';
import { warmUpFormEngine } from '@credo/form-engine';
import { ConfigError, loadConfig } from './config/app-config.js';
import { createLogger } from './common/logger.js';
import { JobsService } from './modules/jobs/jobs.service.js';
import { startServer, type RunningServer } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // The first compile in a process pays for ajv's own set-up: pay it at boot, not on a request.
  warmUpFormEngine();
  let server: RunningServer | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // A part failing while it closes (a job's connection cut mid-query, a late timer) is logged, not a
    // crash with exit code 1: PostgreSQL is still stopped below. A shutdown that hangs is cut off.
    const late = (error: unknown) => logger.warn({ err: error }, 'error while shutting down');
    process.on('uncaughtException', late);
    process.on('unhandledRejection', late);
    setTimeout(() => {
      logger.error('shutdown did not finish within 60 s');
      process.exit(1);
    }, 60_000).unref();
    let failed = false;
    await server?.close().catch((error: unknown) => {
      failed = true;
      logger.error({ err: error }, 'shutdown failed');
    });
    process.exit(failed ? 1 : 0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  try {
    server = await startServer(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
  if (server.seeded) {
    // The fresh demo company shows its collection tasks and promise checks without waiting for 08:00.
    await server.app.get(JobsService).queueRemindersNow().catch((error: unknown) => logger.warn({ err: error }, 'first collection run not queued'));
    const line = '='.repeat(64);
    console.log(
      `\n${line}\n  演示公司 (demo company) is ready.\n  Sign in at http://localhost:${config.port}\n` +
        `    admin@demo.local / ${config.demoPassword}   (管理员)\n    staff@demo.local / ${config.demoPassword}   (业务人员)\n${line}\n`,
    );
  }
  logger.info({ url: `http://localhost:${config.port}`, dataDir: config.dataDir, embedded: !config.databaseUrl }, 'Credo is listening');
}

void main();
