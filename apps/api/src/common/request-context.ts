import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { localeFromHeader, type Locale } from './i18n.js';

/** Who is calling, from a verified access token. */
export interface AuthContext {
  userId: string;
  tenantId: string;
  email: string;
  roles: string[];
  /** The request id (pino-http), carried into the audit log. */
  requestId?: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      auth?: AuthContext;
    }
  }
}

export const IS_PUBLIC = 'credo:public';
/** Marks a route that needs no bearer token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const REQUIRED_ROLES = 'credo:roles';
/** The caller needs one of these roles. */
export const Roles = (...roles: string[]) => SetMetadata(REQUIRED_ROLES, roles);

export const CurrentAuth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<Request>().auth;
  if (!auth) throw new Error('CurrentAuth used on a public route');
  return auth;
});

export const RequestLocale = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Locale => localeFromHeader(ctx.switchToHttp().getRequest<Request>().headers['accept-language']),
);
