import { Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ValidBody, openApiRef } from '../../common/body-validation.js';
import type { Locale } from '../../common/i18n.js';
import { CurrentAuth, RequestLocale, Roles, type AuthContext } from '../../common/request-context.js';
import { RulesService } from './rules.service.js';

@ApiTags('rules')
@ApiBearerAuth()
@Controller('forms/:key/rules')
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @Get()
  @ApiOperation({ summary: "The form's rule set: draft, published version and version list" })
  get(@CurrentAuth() auth: AuthContext, @Param('key') key: string) {
    return this.rules.getOrThrow(auth, key);
  }

  @Put()
  @Roles('admin', 'designer', 'credit_manager')
  @ApiOperation({ summary: 'Save the draft rule set (validated against schemas/rule-set.schema.json and the form: unknown facts or operators are 400)' })
  @ApiBody({ schema: openApiRef('rule-set-request') })
  saveDraft(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @ValidBody('rule-set-request') body: { ruleSet: unknown }, @RequestLocale() locale: Locale) {
    return this.rules.saveDraftOrThrow(auth, key, body.ruleSet, locale);
  }

  @Post('publish')
  @HttpCode(200)
  @Roles('admin', 'designer', 'credit_manager')
  @ApiOperation({ summary: 'Publish the draft as the next version and re-evaluate every record' })
  publish(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @RequestLocale() locale: Locale) {
    return this.rules.publishOrThrow(auth, key, locale);
  }

  @Post('evaluate')
  @HttpCode(200)
  @Roles('admin', 'designer', 'credit_manager')
  @ApiOperation({ summary: 'Re-evaluate every record with the published rule set as of today (time-dependent rules)' })
  evaluate(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @RequestLocale() locale: Locale) {
    return this.rules.reevaluateOrThrow(auth, key, locale);
  }

  @Post('simulate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Evaluate the published, draft or given rule set on a record or a payload, with the explanation; writes nothing' })
  @ApiBody({ schema: openApiRef('rule-simulate-request') })
  simulate(
    @CurrentAuth() auth: AuthContext,
    @Param('key') key: string,
    @ValidBody('rule-simulate-request') body: { recordId?: string; data?: Record<string, unknown>; draft?: boolean; ruleSet?: unknown },
    @RequestLocale() locale: Locale,
  ) {
    return this.rules.simulateOrThrow(auth, key, body, locale);
  }

  @Post('impact')
  @HttpCode(200)
  @Roles('admin', 'designer', 'credit_manager')
  @ApiOperation({ summary: 'Impact preview: run the draft (or given) rule set over every record and count what changes, with examples' })
  @ApiBody({ schema: openApiRef('rule-impact-request') })
  impact(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @ValidBody('rule-impact-request') body: { ruleSet?: unknown }, @RequestLocale() locale: Locale) {
    return this.rules.impactOrThrow(auth, key, body, locale);
  }
}
