import { existsSync } from 'node:fs';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { openApiComponents } from './common/body-validation.js';
import { handleError } from './common/problem.filter.js';
import { PinoNestLogger, requestLogger } from './common/logger.js';
import type { RuntimeConfig } from './config/runtime-config.js';
import { IMPORT_MEDIA_TYPES } from './modules/imports/imports.controller.js';
import { FILE_BODY_LIMIT } from './modules/files/files.controller.js';

/** A spreadsheet of a few hundred thousand rows; larger files get a 413. */
const IMPORT_BODY_LIMIT = '50mb';

/** Builds the HTTP app: /api (Nest), OpenAPI at /api/docs, and the built web app at / on one port. */
export async function createApp(config: RuntimeConfig, logger: Logger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  // No ETag computed by hashing every JSON body: records carry their own (the revision), and
  // lists and other answers are not conditional. (Conditional GETs on an explicit ETag still 304.)
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestLogger(logger));
  // CSV imports arrive as raw bytes: the import decodes them itself (UTF-8 or GB18030).
  app.use('/api/forms/:key/imports', express.raw({ type: IMPORT_MEDIA_TYPES, limit: IMPORT_BODY_LIMIT }));
  // Attachments arrive as raw bytes of any type; the files service sniffs what they are.
  app.use('/api/files', express.raw({ type: () => true, limit: FILE_BODY_LIMIT }));
  app.use('/api', express.json({ limit: config.bodyLimit, strict: true, type: ['application/json', 'application/merge-patch+json'] }));
  // Body-parser failures (bad JSON, too large, bad charset) never reach Nest's filters.
  app.use('/api', (error: unknown, req: Request, res: Response, _next: NextFunction) => handleError(error, req, res));
  app.setGlobalPrefix('api');

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Credo API')
      .setDescription('Configurable forms for customer credit and receivables. Errors are application/problem+json (RFC 9457).')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...(openApiComponents() as object) } };
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

  const index = path.join(config.webDist, 'index.html');
  if (existsSync(index)) {
    // The web app's files; /api requests skip it (no file-system look-up per API call).
    const assets = express.static(config.webDist, { index: false, maxAge: '1h' });
    app.use((req: Request, res: Response, next: NextFunction) => (req.path.startsWith('/api/') ? next() : assets(req, res, next)));
    // History fallback: any other GET outside /api that wants HTML gets the SPA shell.
    app.use((req: Request, res: Response, next: NextFunction) => {
      if ((req.method === 'GET' || req.method === 'HEAD') && !req.path.startsWith('/api') && req.accepts('html')) {
        res.setHeader('Cache-Control', 'no-cache');
        return res.sendFile(index);
      }
      return next();
    });
  } else {
    logger.warn({ webDist: config.webDist }, 'web app not built; only /api is served');
  }
  await app.init();
  return app;
}
