import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { openApiRef } from '../../common/body-validation.js';
import { CurrentAuth, type AuthContext } from '../../common/request-context.js';
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
}
