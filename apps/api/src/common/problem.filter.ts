import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { translatePgError } from '../database/pg-errors.js';
import { AppException } from './app.exception.js';
import type { MessageKey } from './i18n.js';
import { sendProblem } from './problem.js';

const STATUS_CODES: Record<number, MessageKey> = {
  400: 'http.bad_request',
  401: 'auth.unauthenticated',
  403: 'auth.forbidden',
  404: 'http.not_found',
  409: 'http.conflict',
  413: 'http.payload_too_large',
  415: 'http.unsupported_media_type',
  503: 'http.unavailable',
};

/** Everything that leaves the API as an error goes through here, as problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    handleError(exception, req, res);
  }
}

export function handleError(exception: unknown, req: Request, res: Response): void {
  if (exception instanceof AppException) {
    return sendProblem(req, res, exception.status, exception.code, exception.params, exception.errors, exception.extensions);
  }
  const pg = translatePgError(exception);
  if (pg) return sendProblem(req, res, pg.status, pg.code, pg.params);

  // body-parser and other http-errors style failures carry `type`/`status`.
  const bodyError = exception as { type?: unknown; status?: unknown; limit?: unknown };
  if (bodyError.type === 'entity.parse.failed') return sendProblem(req, res, 400, 'http.malformed_json');
  if (bodyError.type === 'entity.too.large') {
    return sendProblem(req, res, 413, 'http.payload_too_large', { limit: formatBytes(Number(bodyError.limit)) });
  }
  if (bodyError.type === 'encoding.unsupported' || bodyError.type === 'charset.unsupported') {
    return sendProblem(req, res, 415, 'http.unsupported_media_type');
  }

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404 && exception.message.startsWith('Cannot ')) {
      return sendProblem(req, res, 404, 'http.route_not_found', { method: req.method, path: req.path });
    }
    return sendProblem(req, res, status, STATUS_CODES[status] ?? (status >= 500 ? 'http.internal' : 'http.bad_request'));
  }
  if (typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
    return sendProblem(req, res, bodyError.status, STATUS_CODES[bodyError.status] ?? 'http.bad_request');
  }
  req.log?.error({ err: exception }, 'unhandled error');
  return sendProblem(req, res, 500, 'http.internal');
}

function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} B`;
}
