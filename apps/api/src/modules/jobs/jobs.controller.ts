import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppException } from '../../common/app.exception.js';
import { Roles } from '../../common/request-context.js';
import { JobsService, NIGHTLY_RULES } from './jobs.service.js';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post(`${NIGHTLY_RULES}/run`)
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: 'Queue the nightly rule re-evaluation now (pg-boss); poll GET /api/jobs/rules-nightly/{id}' })
  async run() {
    const id = await this.jobs.runNow();
    if (!id) throw new AppException(503, 'http.unavailable');
    return { id, queue: NIGHTLY_RULES };
  }

  @Get(`${NIGHTLY_RULES}/:id`)
  @Roles('admin')
  @ApiOperation({ summary: 'State of a queued job (created, active, completed, failed…)' })
  async state(@Param('id') id: string) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppException(404, 'http.not_found');
    const state = await this.jobs.state(id);
    if (!state) throw new AppException(404, 'http.not_found');
    return { id, state };
  }
}
