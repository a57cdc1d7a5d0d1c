import { Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ValidBody, openApiRef } from '../../common/body-validation.js';
import { CurrentAuth, Roles, type AuthContext } from '../../common/request-context.js';
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
}
