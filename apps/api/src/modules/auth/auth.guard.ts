import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppException } from '../../common/app.exception.js';
import { IS_PUBLIC, REQUIRED_ROLES } from '../../common/request-context.js';
import { AuthService } from './auth.service.js';

/** Global guard: a valid bearer token on every route not marked @Public(); roles when asked. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new AppException(401, 'auth.unauthenticated');
    req.auth = { ...(await this.auth.verifyTokenOrThrow(match[1])), requestId: req.id === undefined ? undefined : String(req.id) };
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets);
    if (roles?.length && !roles.some((role) => req.auth?.roles.includes(role))) {
      throw new AppException(403, 'auth.forbidden');
    }
    return true;
  }
}
