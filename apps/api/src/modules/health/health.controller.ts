import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppException } from '../../common/app.exception.js';
import { Public } from '../../common/request-context.js';
import { TenantDatabase } from '../../database/tenant-database.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly db: TenantDatabase) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Liveness and database reachability' })
  async health() {
    const started = Date.now();
    try {
      await this.db.ping();
    } catch {
      throw new AppException(503, 'http.unavailable');
    }
    return { status: 'ok', database: { status: 'ok', latencyMs: Date.now() - started } };
  }
}
