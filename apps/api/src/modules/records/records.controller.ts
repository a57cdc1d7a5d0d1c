import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ValidBody, openApiRef, validateQueryOrThrow } from '../../common/body-validation.js';
import type { Locale } from '../../common/i18n.js';
import { CurrentAuth, RequestLocale, Roles, type AuthContext } from '../../common/request-context.js';
import { RecordsService, type RecordDto } from './records.service.js';

interface RecordWriteRequest {
  data: Record<string, unknown>;
}

interface RecordListQuery {
  limit?: string;
  cursor?: string;
  total?: 'true' | 'false';
}

function etag(record: RecordDto): string {
  return `"${record.rev}"`;
}

@ApiTags('records')
@ApiBearerAuth()
@Controller('forms/:key/records')
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  @Get()
  @ApiOperation({ summary: 'A keyset page of records, newest first; pass `next` back as `cursor`' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'total', required: false, schema: { type: 'boolean' } })
  @ApiResponse({ status: 200, schema: openApiRef('record-page') })
  @ApiResponse({ status: 400, schema: openApiRef('problem') })
  list(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @Query() query: unknown, @RequestLocale() locale: Locale) {
    const q = validateQueryOrThrow<RecordListQuery>('record-list-query', query, locale);
    return this.records.list(auth, key, { limit: Number(q.limit ?? 50), cursor: q.cursor ?? null, total: q.total === 'true' });
  }

  @Post()
  @Roles('admin', 'designer', 'staff')
  @ApiOperation({ summary: 'Create a record; the server validates it against the published version and assigns computed fields' })
  @ApiBody({ schema: openApiRef('record-write-request') })
  @ApiResponse({ status: 201, schema: openApiRef('record'), headers: { ETag: { description: 'The revision, quoted', schema: { type: 'string' } } } })
  @ApiResponse({ status: 400, description: 'Field errors with JSON Pointer paths', schema: openApiRef('problem') })
  async create(
    @CurrentAuth() auth: AuthContext,
    @Param('key') key: string,
    @ValidBody('record-write-request') body: RecordWriteRequest,
    @RequestLocale() locale: Locale,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RecordDto> {
    const record = await this.records.createOrThrow(auth, key, body.data, locale);
    res.status(201).setHeader('ETag', etag(record));
    res.setHeader('Location', `${req.baseUrl}/api/forms/${encodeURIComponent(key)}/records/${record.id}`);
    return record;
  }

  @Get(':id')
  @ApiOperation({ summary: 'One record (404 for ids of other tenants, too)' })
  @ApiResponse({ status: 200, schema: openApiRef('record') })
  @ApiResponse({ status: 404, schema: openApiRef('problem') })
  async get(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @Param('id') id: string, @Res({ passthrough: true }) res: Response) {
    const record = await this.records.getOrThrow(auth, key, id);
    res.setHeader('ETag', etag(record));
    return record;
  }
}
