import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { createApp } from './app.factory.js';
import { loadOrCreateSecrets, type AppConfig } from './config/app-config.js';
import type { RuntimeConfig } from './config/runtime-config.js';
import { prepareDatabase } from './database/database-bootstrap.js';
import { DemoSeeder } from './modules/tenants/demo-seeder.js';

export interface RunningServer {
  app: NestExpressApplication;
  url: string;
  config: RuntimeConfig;
  ownerDatabaseUrl: string;
  seeded: boolean;
  close(): Promise<void>;
}

/** Database (embedded or DATABASE_URL), migrations, demo seed, then HTTP. Used by main and tests. */
export async function startServer(config: AppConfig, logger: Logger): Promise<RunningServer> {
  const secrets = await loadOrCreateSecrets(config.dataDir);
  const db = await prepareDatabase(config, secrets, (line) => logger.info(line));
  const runtime: RuntimeConfig = {
    ...config,
    resolvedAppDatabaseUrl: db.appUrl,
    resolvedJwtSecret: config.jwtSecret ?? secrets.jwtSecret,
    resolvedOwnerDatabaseUrl: db.ownerUrl,
  };
  let app: NestExpressApplication | undefined;
  try {
    app = await createApp(runtime, logger);
    const seeded = config.demoSeed ? await app.get(DemoSeeder).seedIfMissing() : false;
    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    let closed = false;
    return {
      app,
      url: `http://127.0.0.1:${port}`,
      config: runtime,
      ownerDatabaseUrl: db.ownerUrl,
      seeded,
      close: async () => {
        if (closed) return;
        closed = true;
        try {
          await app?.close();
        } finally {
          await db.embedded?.stop();
        }
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await db.embedded?.stop();
    throw error;
  }
}
