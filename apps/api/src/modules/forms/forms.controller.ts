import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, type AuthContext } from '../../common/request-context.js';
import { FormsService } from './forms.service.js';

@ApiTags('forms')
@ApiBearerAuth()
@Controller('forms')
export class FormsController {
  constructor(private readonly forms: FormsService) {}

  @Get()
  @ApiOperation({ summary: 'Forms of the tenant, with record counts (capped at 10,000)' })
  list(@CurrentAuth() auth: AuthContext) {
    return this.forms.list(auth);
  }

  @Get(':key')
  @ApiOperation({ summary: 'A form: its current published version (definition, JSON Schema, UI)' })
  get(@CurrentAuth() auth: AuthContext, @Param('key') key: string) {
    return this.forms.getOrThrow(auth, key);
  }
}
