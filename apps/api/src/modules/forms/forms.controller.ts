import { Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ValidBody, openApiRef } from '../../common/body-validation.js';
import type { Locale } from '../../common/i18n.js';
import { CurrentAuth, RequestLocale, Roles, type AuthContext } from '../../common/request-context.js';
import type { FormPermissionsDocument } from './form-permissions.js';
import { FormsService } from './forms.service.js';

@ApiTags('forms')
@ApiBearerAuth()
@Controller('forms')
export class FormsController {
  constructor(private readonly forms: FormsService) {}

  @Get()
  @ApiOperation({ summary: 'Forms of the tenant, with record counts (capped at 10,000)' })
  @ApiResponse({ status: 200, schema: openApiRef('form-list') })
  list(@CurrentAuth() auth: AuthContext) {
    return this.forms.list(auth);
  }

  @Post()
  @Roles('admin', 'designer')
  @ApiOperation({ summary: 'Create a form from a definition; it starts as a draft (publish to use it)' })
  @ApiBody({ schema: openApiRef('form-create-request') })
  @ApiResponse({ status: 201, schema: openApiRef('form') })
  @ApiResponse({ status: 400, description: 'The definition breaks the meta-schema (paths into the body)', schema: openApiRef('problem') })
  create(@CurrentAuth() auth: AuthContext, @ValidBody('form-create-request') body: { definition: unknown }, @RequestLocale() locale: Locale) {
    return this.forms.createOrThrow(auth, body.definition, locale);
  }

  @Get(':key')
  @ApiOperation({ summary: 'A form: its current published version (definition, JSON Schema, UI)' })
  @ApiResponse({ status: 200, schema: openApiRef('form') })
  @ApiResponse({ status: 404, schema: openApiRef('problem') })
  get(@CurrentAuth() auth: AuthContext, @Param('key') key: string) {
    return this.forms.getOrThrow(auth, key);
  }

  @Get(':key/permissions')
  @Roles('admin')
  @ApiOperation({ summary: "A form's access rules (admins)" })
  @ApiResponse({ status: 200, schema: openApiRef('form-permissions') })
  permissions(@CurrentAuth() auth: AuthContext, @Param('key') key: string) {
    return this.forms.permissionsOrThrow(auth, key);
  }

  @Put(':key/permissions')
  @Roles('admin')
  @ApiOperation({ summary: "Replace a form's access rules: per role read/create/update/delete and own rows; per field hidden/read-only (audited)" })
  @ApiBody({ schema: openApiRef('form-permissions') })
  @ApiResponse({ status: 200, schema: openApiRef('form-permissions') })
  setPermissions(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @ValidBody('form-permissions') body: FormPermissionsDocument) {
    return this.forms.setPermissionsOrThrow(auth, key, body);
  }

  @Get(':key/draft')
  @Roles('admin', 'designer')
  @ApiOperation({ summary: 'The draft and its change report against the published version' })
  draft(@CurrentAuth() auth: AuthContext, @Param('key') key: string) {
    return this.forms.draftOrThrow(auth, key);
  }

  @Put(':key/draft')
  @Roles('admin', 'designer')
  @ApiOperation({ summary: 'Save the draft definition (validated and compiled); returns the change report' })
  @ApiBody({ schema: openApiRef('form-draft-request') })
  saveDraft(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @ValidBody('form-draft-request') body: { definition: unknown }, @RequestLocale() locale: Locale) {
    return this.forms.saveDraftOrThrow(auth, key, body.definition, locale);
  }

  @Post(':key/publish')
  @HttpCode(200)
  @Roles('admin', 'designer')
  @ApiOperation({ summary: 'Publish the draft as the next version, migrating every record (dryRun: report only). 409 with the report when blocked' })
  @ApiBody({ schema: openApiRef('form-publish-request') })
  publish(
    @CurrentAuth() auth: AuthContext,
    @Param('key') key: string,
    @ValidBody('form-publish-request') body: { dryRun?: boolean; backfill?: Record<string, unknown> },
    @RequestLocale() locale: Locale,
  ) {
    return this.forms.publishOrThrow(auth, key, body, locale);
  }

  @Get(':key/versions')
  @ApiOperation({ summary: 'Published versions, newest first, with their change lists' })
  versions(@CurrentAuth() auth: AuthContext, @Param('key') key: string) {
    return this.forms.versionsOrThrow(auth, key);
  }

  @Post(':key/archive')
  @HttpCode(204)
  @Roles('admin', 'designer')
  @ApiOperation({ summary: 'Archive a form: it leaves the list and takes no records; data is kept' })
  archive(@CurrentAuth() auth: AuthContext, @Param('key') key: string) {
    return this.forms.archiveOrThrow(auth, key);
  }
}
