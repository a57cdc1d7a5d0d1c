import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AppException } from '../../common/app.exception.js';
import { IS_PUBLIC, REQUIRED_ROLES } from '../../common/request-context.js';
import { AuthService } from './auth.service.js';
import { API_TOKEN_PREFIX, ApiTokensService } from '../tokens/api-tokens.service.js';

/** Global guard: a valid bearer token on every route not marked @Public(); roles when asked. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly apiTokens: ApiTokensService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new AppException(401, 'auth.unauthenticated');
    const requestId = req.id === undefined ? undefined : String(req.id);
    if (match[1].startsWith(API_TOKEN_PREFIX)) {
      // An integration's API token: that token's role in that token's tenant, rate limited.
      const identity = await this.apiTokens.authenticateOrThrow(match[1]);
      if (identity.retryAfter > 0) {
        context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(identity.retryAfter));
        throw new AppException(429, 'auth.rate_limited', { retryAfter: identity.retryAfter });
      }
      req.apiTokenId = identity.tokenId;
      req.auth = { ...identity.auth, requestId };
    } else {
      req.auth = { ...(await this.auth.verifyTokenOrThrow(match[1])), requestId };
    }
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets);
    if (roles?.length && !roles.some((role) => req.auth?.roles.includes(role))) {
      throw new AppException(403, 'auth.forbidden');
    }
    return true;
  }
}
