import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, Roles, type AuthContext } from '../../common/request-context.js';
import { RemindersService } from './reminders.service.js';

@ApiTags('reminders')
@ApiBearerAuth()
@Controller('reminders')
export class RemindersController {
  constructor(private readonly reminders: RemindersService) {}

  @Post('run')
  @HttpCode(200)
  @Roles('admin', 'credit_manager')
  @ApiOperation({ summary: "Send today's dunning reminders now (one e-mail per customer; each stage once per receivable)" })
  run(@CurrentAuth() auth: AuthContext) {
    return this.reminders.runForTenant(auth);
  }
}
