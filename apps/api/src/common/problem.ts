import type { Request, Response } from 'express';
import type { ProblemFieldError } from './app.exception.js';
import { localeFromHeader, translate, type MessageKey } from './i18n.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: ProblemFieldError[];
}

const TITLES: Record<number, { 'zh-CN': string; en: string }> = {
  400: { 'zh-CN': '请求无效', en: 'Bad Request' },
  401: { 'zh-CN': '未认证', en: 'Unauthorized' },
  403: { 'zh-CN': '禁止访问', en: 'Forbidden' },
  404: { 'zh-CN': '未找到', en: 'Not Found' },
  405: { 'zh-CN': '方法不允许', en: 'Method Not Allowed' },
  409: { 'zh-CN': '冲突', en: 'Conflict' },
  412: { 'zh-CN': '前提条件失败', en: 'Precondition Failed' },
  413: { 'zh-CN': '请求体过大', en: 'Payload Too Large' },
  415: { 'zh-CN': '不支持的媒体类型', en: 'Unsupported Media Type' },
  422: { 'zh-CN': '无法处理的数据', en: 'Unprocessable Content' },
  428: { 'zh-CN': '需要前提条件', en: 'Precondition Required' },
  429: { 'zh-CN': '请求过多', en: 'Too Many Requests' },
  500: { 'zh-CN': '服务器错误', en: 'Internal Server Error' },
  503: { 'zh-CN': '服务不可用', en: 'Service Unavailable' },
};

/** Renders one problem (RFC 9457) in the request's language and sends it. */
export function sendProblem(
  req: Request,
  res: Response,
  status: number,
  code: MessageKey,
  params: Record<string, unknown> = {},
  errors?: ProblemFieldError[],
  extensions?: Record<string, unknown>,
): void {
  const locale = localeFromHeader(req.headers['accept-language']);
  const body: ProblemDocument = {
    type: `/problems/${code.replace(/\./g, '/')}`,
    title: (TITLES[status] ?? TITLES[status >= 500 ? 500 : 400]!)[locale],
    status,
    detail: translate(code, locale, params),
    code,
    instance: req.originalUrl,
    requestId: typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : undefined,
    ...(errors?.length ? { errors } : {}),
    ...extensions,
  };
  if (res.headersSent) return;
  res.status(status).setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
  res.setHeader('Content-Language', locale);
  res.end(JSON.stringify(body));
}
