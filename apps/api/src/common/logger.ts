import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'credo-api' }, redact: ['req.headers.authorization', 'req.headers.cookie'] });
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Request logging with a request id (honours a sane incoming X-Request-Id, echoes it back). */
export function requestLogger(logger: Logger) {
  return logger.isLevelEnabled('info') ? fullRequestLogger(logger) : quietRequestLogger(logger);
}

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * At warn level and above successful requests are not logged: the same lines as pino-http for the
 * requests that are (4xx as warn, 5xx as error), without a child logger and serializers per request.
 */
function quietRequestLogger(logger: Logger) {
  return (req: IncomingMessage & { id?: unknown; log?: Logger }, res: ServerResponse, next: () => void) => {
    const id = requestId(req, res);
    const started = Date.now();
    req.id = id;
    let child: Logger | undefined;
    // Only built when something logs through it (e.g. an unhandled error).
    Object.defineProperty(req, 'log', { configurable: true, get: () => (child ??= logger.child({ req: { id, method: req.method, url: req.url } })) });
    res.once('finish', () => {
      if (res.statusCode < 400 || req.url === '/api/health') return;
      const line = { req: { id, method: req.method, url: req.url }, res: { statusCode: res.statusCode }, responseTime: Date.now() - started };
      if (res.statusCode >= 500) logger.error(line, 'request errored');
      else logger.warn(line, 'request completed');
    });
    next();
  };
}

function fullRequestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req, res) => requestId(req, res),
    autoLogging: { ignore: (req) => req.url === '/api/health' },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
    },
  });
}

/** Nest's own log lines go to the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    // Nest's boot chatter (every module and route) is debug detail, not news.
    const chatter = context === 'RouterExplorer' || context === 'RoutesResolver' || context === 'InstanceLoader';
    this.logger[chatter ? 'debug' : 'info']({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
