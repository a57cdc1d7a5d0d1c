import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { openApiRef, validateBodyOrThrow } from '../../common/body-validation.js';
import type { Locale } from '../../common/i18n.js';
import { CurrentAuth, RequestLocale, Roles, type AuthContext } from '../../common/request-context.js';
import { RemindersService } from './reminders.service.js';

@ApiTags('reminders')
@ApiBearerAuth()
@Controller('reminders')
export class RemindersController {
  constructor(private readonly reminders: RemindersService) {}

  @Post('run')
  @HttpCode(200)
  @Roles('admin', 'credit_manager')
  @ApiOperation({
    summary:
      "Run the daily collection job now, as of asOf (default today): promises to pay checked (kept / broken), tasks per stage created (one per receivable and stage) and closed for settled items, dunning e-mails sent (one per customer; each stage once per receivable); disputed items and open promises paused",
  })
  @ApiBody({ schema: openApiRef('collection-run-request'), required: false })
  run(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @RequestLocale() locale: Locale) {
    const input = body && typeof body === 'object' && Object.keys(body).length ? validateBodyOrThrow<{ asOf?: string }>('collection-run-request', body, locale) : {};
    return this.reminders.runForTenant(auth, input.asOf);
  }
}
