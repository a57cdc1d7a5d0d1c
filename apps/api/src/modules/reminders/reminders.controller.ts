import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { openApiRef, validateBodyOrThrow, ValidBody } from '../../common/body-validation.js';
import type { Locale } from '../../common/i18n.js';
import { CurrentAuth, RequestLocale, Roles, type AuthContext } from '../../common/request-context.js';
import type { CollectionStage } from './collection.service.js';
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

  @Get('settings')
  @Roles('admin', 'credit_manager', 'staff', 'viewer', 'designer')
  @ApiOperation({ summary: "The tenant's collection stages (offset from the due date, assignee, task text) and promise grace days" })
  @ApiResponse({ status: 200, schema: openApiRef('collection-settings') })
  settings(@CurrentAuth() auth: AuthContext) {
    return this.reminders.settings(auth);
  }

  @Get('texts')
  @Roles('admin', 'credit_manager', 'staff', 'viewer', 'designer')
  @ApiOperation({ summary: 'The texts the collection run writes into tasks (instructions, notes), as stored in zh-CN, each with its English' })
  @ApiResponse({ status: 200, schema: openApiRef('collection-texts') })
  texts(@CurrentAuth() auth: AuthContext) {
    return this.reminders.texts(auth);
  }

  @Put('settings')
  @Roles('admin', 'credit_manager')
  @ApiOperation({ summary: 'Change the collection stages and promise grace days (admins and credit managers; audited)' })
  @ApiBody({ schema: openApiRef('collection-settings') })
  saveSettings(@CurrentAuth() auth: AuthContext, @ValidBody('collection-settings') body: { stages: CollectionStage[]; promiseGraceDays?: number }, @RequestLocale() locale: Locale) {
    return this.reminders.saveSettings(auth, body, locale);
  }
}
