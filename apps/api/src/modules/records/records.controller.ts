import { Controller, Delete, Get, Header, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ValidBody, openApiRef, validateQueryOrThrow } from '../../common/body-validation.js';
import { translate, type Locale } from '../../common/i18n.js';
import { CurrentAuth, RequestLocale, type AuthContext } from '../../common/request-context.js';
import { AppException } from '../../common/app.exception.js';
import { JsonText, RecordsService, parseIfMatch, type RecordDto } from './records.service.js';

interface RecordWriteRequest {
  data: Record<string, unknown>;
  override?: { reason: string };
}

interface RecordListQuery {
  limit?: string;
  cursor?: string;
  total?: 'true' | 'false' | 'exact';
  filter?: string;
  sort?: string;
  fields?: string;
  include?: string;
}

function parseFilterOrThrow(text: string | undefined, locale: Locale): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppException(400, 'query.invalid', {}, [{ path: '/filter', keyword: 'format', message: translate('query.not_json', locale) }]);
  }
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
  @ApiQuery({
    name: 'total',
    required: false,
    schema: { type: 'string', enum: ['true', 'false', 'exact'] },
    description: 'true: exact up to 1,000 matching records, beyond that a planner estimate (totalIsEstimate: true); exact: counted, capped at 10,000 (totalCapped)',
  })
  @ApiQuery({ name: 'filter', required: false, schema: { type: 'string' }, description: 'JSON {"field": {"op": value}}', example: '{"credit_limit":{"gte":"100000"}}' })
  @ApiQuery({ name: 'sort', required: false, schema: { type: 'string' }, example: '-credit_limit' })
  @ApiQuery({ name: 'fields', required: false, schema: { type: 'string' }, example: 'name,credit_limit' })
  @ApiResponse({ status: 200, schema: openApiRef('record-page') })
  @ApiResponse({ status: 400, schema: openApiRef('problem') })
  // Pages usually come back as JSON text (JsonText), sent as they are.
  @Header('Content-Type', 'application/json; charset=utf-8')
  async list(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @Query() query: unknown, @RequestLocale() locale: Locale) {
    const q = validateQueryOrThrow<RecordListQuery>('record-list-query', query, locale);
    const filter = parseFilterOrThrow(q.filter, locale);
    const page = await this.records.list(
      auth,
      key,
      {
        limit: Number(q.limit ?? 50),
        cursor: q.cursor ?? null,
        total: q.total === 'true' ? 'auto' : q.total === 'exact' ? 'exact' : false,
        filter,
        sort: q.sort,
        fields: q.fields?.split(','),
        include: q.include?.split(',') as Array<'rollups' | 'rules'> | undefined,
      },
      locale,
    );
    return page instanceof JsonText ? page.text : page;
  }

  @Post()
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
    const record = await this.records.createOrThrow(auth, key, body.data, locale, body.override);
    res.status(201).setHeader('ETag', etag(record));
    res.setHeader('Location', `${req.baseUrl}/api/forms/${encodeURIComponent(key)}/records/${record.id}`);
    return record;
  }

  @Get('summary')
  @ApiOperation({ summary: 'Count and exact sums (money as decimal strings) per value of one field, computed in SQL' })
  @ApiQuery({ name: 'groupBy', required: false, schema: { type: 'string' }, example: 'customer_type' })
  @ApiQuery({ name: 'sum', required: false, schema: { type: 'string' }, example: 'credit_limit' })
  @ApiQuery({ name: 'filter', required: false, schema: { type: 'string' } })
  summary(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @Query() query: unknown, @RequestLocale() locale: Locale) {
    const q = validateQueryOrThrow<{ groupBy?: string; sum?: string; filter?: string }>('record-summary-query', query, locale);
    return this.records.summaryOrThrow(auth, key, { groupBy: q.groupBy, sum: q.sum?.split(','), filter: parseFilterOrThrow(q.filter, locale) }, locale);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One record (404 for ids of other tenants, too)' })
  @ApiResponse({ status: 200, schema: openApiRef('record') })
  @ApiResponse({ status: 404, schema: openApiRef('problem') })
  async get(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @Param('id') id: string, @Res({ passthrough: true }) res: Response, @RequestLocale() locale: Locale) {
    const record = await this.records.getOrThrow(auth, key, id, locale);
    res.setHeader('ETag', etag(record));
    return record;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change fields (null clears one). Needs If-Match with the ETag: 428 without, 412 when stale' })
  @ApiBody({ schema: openApiRef('record-write-request') })
  @ApiResponse({ status: 200, schema: openApiRef('record') })
  @ApiResponse({ status: 412, description: 'Someone else changed the record first', schema: openApiRef('problem') })
  @ApiResponse({ status: 428, description: 'If-Match missing', schema: openApiRef('problem') })
  async update(
    @CurrentAuth() auth: AuthContext,
    @Param('key') key: string,
    @Param('id') id: string,
    @ValidBody('record-write-request') body: RecordWriteRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @RequestLocale() locale: Locale,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RecordDto> {
    const record = await this.records.updateOrThrow(auth, key, id, body.data, parseIfMatch(ifMatch), locale, body.override);
    res.setHeader('ETag', etag(record));
    return record;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Soft-delete (restorable). Needs If-Match' })
  @ApiResponse({ status: 204, description: 'Deleted; ETag carries the new revision' })
  async remove(
    @CurrentAuth() auth: AuthContext,
    @Param('key') key: string,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    const record = await this.records.deleteOrThrow(auth, key, id, parseIfMatch(ifMatch));
    res.setHeader('ETag', etag(record));
  }

  @Post(':id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a soft-deleted record (If-Match optional)' })
  @ApiResponse({ status: 200, schema: openApiRef('record') })
  async restore(
    @CurrentAuth() auth: AuthContext,
    @Param('key') key: string,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RecordDto> {
    const record = await this.records.restoreOrThrow(auth, key, id, parseIfMatch(ifMatch));
    res.setHeader('ETag', etag(record));
    return record;
  }

  @Get(':id/revisions')
  @ApiOperation({ summary: 'Every revision of a record, newest first: who, when, field-level changes' })
  revisions(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @Param('id') id: string) {
    return this.records.revisionsOrThrow(auth, key, id);
  }

  @Post(':id/revisions/:rev/revert')
  @HttpCode(200)
  @ApiOperation({ summary: "Put a revision's data back (a new revision). Needs If-Match" })
  @ApiResponse({ status: 200, schema: openApiRef('record') })
  async revert(
    @CurrentAuth() auth: AuthContext,
    @Param('key') key: string,
    @Param('id') id: string,
    @Param('rev') rev: string,
    @Headers('if-match') ifMatch: string | undefined,
    @RequestLocale() locale: Locale,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RecordDto> {
    if (!/^\d{1,9}$/.test(rev)) throw new AppException(404, 'records.revision_not_found', { rev });
    const record = await this.records.revertOrThrow(auth, key, id, Number(rev), parseIfMatch(ifMatch), locale);
    res.setHeader('ETag', etag(record));
    return record;
  }
}
