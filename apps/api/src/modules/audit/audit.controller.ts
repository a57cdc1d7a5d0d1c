import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppException } from '../../common/app.exception.js';
import { validateQueryOrThrow } from '../../common/body-validation.js';
import type { Locale } from '../../common/i18n.js';
import { CurrentAuth, RequestLocale, Roles, type AuthContext } from '../../common/request-context.js';
import { AuditService } from './audit.service.js';

interface AuditQuery {
  action?: string;
  entity?: string;
  entityId?: string;
  actorId?: string;
  from?: string;
  to?: string;
  limit?: string;
  cursor?: string;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'The audit log (admins only): every write, login and permission change, newest first' })
  list(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @RequestLocale() locale: Locale) {
    const q = validateQueryOrThrow<AuditQuery>('audit-query', query, locale);
    if (q.cursor && !/^\d+$/.test(Buffer.from(q.cursor, 'base64url').toString('utf8'))) throw new AppException(400, 'records.bad_cursor');
    return this.audit.list(auth, { ...q, limit: Number(q.limit ?? 50) });
  }
}
