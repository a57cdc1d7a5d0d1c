import { Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, Roles, type AuthContext } from '../../common/request-context.js';
import { TemplatesService } from './templates.service.js';

@ApiTags('templates')
@ApiBearerAuth()
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOperation({ summary: 'Ready templates (customer, credit assessment, receivable, payment, collection record, limit request) and whether each is installed' })
  list(@CurrentAuth() auth: AuthContext) {
    return this.templates.list(auth);
  }

  @Post(':key/install')
  @Roles('admin', 'designer')
  @ApiOperation({ summary: 'Install a template as a published form with its default rule set (forms it refers to first)' })
  install(@CurrentAuth() auth: AuthContext, @Param('key') key: string) {
    return this.templates.installOrThrow(auth, key);
  }
}
