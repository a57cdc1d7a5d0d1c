import { Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AppException } from '../../common/app.exception.js';
import { ValidBody, openApiRef } from '../../common/body-validation.js';
import { CurrentAuth, Roles, type AuthContext } from '../../common/request-context.js';
import { ApiTokensService, type ApiTokenCreateRequest } from './api-tokens.service.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by the guard when the bearer is an API token rather than a person's session. */
      apiTokenId?: string;
    }
  }
}

/** Tokens are managed by people: a leaked admin token must not be able to mint more. */
function peopleOnlyOrThrow(req: Request): void {
  if (req.apiTokenId) throw new AppException(403, 'tokens.people_only');
}

@ApiTags('tokens')
@ApiBearerAuth()
@Controller('tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create an API token for an integration (admins). The secret is in this answer only; send it as Authorization: Bearer credo_…' })
  @ApiBody({ schema: openApiRef('api-token-create-request') })
  @ApiResponse({ status: 201, schema: openApiRef('api-token') })
  @ApiResponse({ status: 400, schema: openApiRef('problem') })
  create(@CurrentAuth() auth: AuthContext, @ValidBody('api-token-create-request') body: ApiTokenCreateRequest, @Req() req: Request) {
    peopleOnlyOrThrow(req);
    return this.tokens.createOrThrow(auth, body);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'The API tokens of this company, newest first (never their secrets)' })
  list(@CurrentAuth() auth: AuthContext, @Req() req: Request) {
    peopleOnlyOrThrow(req);
    return this.tokens.list(auth);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Revoke an API token: from now on it is refused with 401' })
  @ApiResponse({ status: 404, schema: openApiRef('problem') })
  async revoke(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() req: Request): Promise<void> {
    peopleOnlyOrThrow(req);
    await this.tokens.revokeOrThrow(auth, id);
  }
}
