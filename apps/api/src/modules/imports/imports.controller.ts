import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppException } from '../../common/app.exception.js';
import { openApiRef, ValidBody, validateQueryOrThrow } from '../../common/body-validation.js';
import type { Locale } from '../../common/i18n.js';
import { CurrentAuth, RequestLocale, type AuthContext } from '../../common/request-context.js';
import { xlsxSink } from '../exports/xlsx-sink.js';
import { ImportJobsService, type ImportJobDto } from './import-jobs.service.js';
import { ImportsService, type ImportMappingDto, type ImportOptions, type ImportReport, type SuggestedColumn } from './imports.service.js';

export interface ImportQuery {
  mode?: 'insert' | 'upsert' | 'update';
  key?: string;
  mappingId?: string;
  dryRun?: 'true' | 'false';
  skipInvalid?: 'true' | 'false';
  creditOverrideReason?: string;
}

/** Content types the import route reads as raw bytes (see app.factory). */
export const IMPORT_MEDIA_TYPES = [
  'text/csv',
  'application/csv',
  'text/plain',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
];

@ApiTags('imports')
@ApiBearerAuth()
@Controller('forms/:key/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Import a CSV file (or the first sheet of an .xlsx) into the form: headers by field key or zh-CN/en label; money with ¥ and separators, dates like 2026/11/25 or 2026年11月25日, option labels. dryRun=true (default) reports counts and the first 50 errors {row, column, field, message}; dryRun=false writes all rows in one transaction or none (400 naming every bad row)',
  })
  @ApiConsumes('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiQuery({ name: 'mode', required: false, schema: { enum: ['insert', 'upsert', 'update'], default: 'insert' } })
  @ApiQuery({ name: 'key', required: false, description: 'upsert/update: the field rows are matched on (unique, indexed or auto-number)' })
  @ApiQuery({ name: 'dryRun', required: false, schema: { enum: ['true', 'false'], default: 'true' } })
  @ApiQuery({ name: 'skipInvalid', required: false, schema: { enum: ['true', 'false'], default: 'false' }, description: 'commit the valid rows and report the rest (default: all or nothing)' })
  @ApiQuery({ name: 'creditOverrideReason', required: false, description: 'credit managers only (else 403): rows over a customer\'s credit limit, of a frozen/blacklisted customer or needing a rule-set approval are let through with this reason, audited once per import with those rows' })
  @ApiHeader({ name: 'x-import-mapping', required: false, description: 'URI-encoded JSON {"header": "field_key" | null}: the column mapping of this run without saving it (else mappingId, else automatic)' })
  @ApiResponse({ status: 200, description: 'Dry-run report' })
  @ApiResponse({ status: 201, description: 'Committed: the report with `created`' })
  @ApiResponse({ status: 400, description: 'A bad file or bad rows; nothing written', schema: openApiRef('problem') })
  @ApiResponse({ status: 413, schema: openApiRef('problem') })
  async import(
    @CurrentAuth() auth: AuthContext,
    @Param('key') key: string,
    @Query() query: unknown,
    @RequestLocale() locale: Locale,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportReport> {
    const q = validateQueryOrThrow<ImportQuery>('record-import-query', query, locale);
    if (!req.is(IMPORT_MEDIA_TYPES)) throw new AppException(415, 'imports.media_type');
    // An empty body is not parsed at all: it is an empty file.
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const report = await this.imports.importCsvOrThrow(auth, key, bytes, await this.optionsOf(auth, key, q, req), locale);
    if (!report.dryRun) res.status(201);
    return report;
  }

  private async optionsOf(auth: AuthContext, key: string, q: ImportQuery, req: Request): Promise<ImportOptions> {
    return importOptions(q, await mappingOf(this.imports, auth, key, q, req));
  }
}

/**
 * The column mapping of a run: the `x-import-mapping` header (URI-encoded JSON, header text →
 * field key or null: the wizard's current choices, nothing saved), else the saved mapping
 * `mappingId`, else none (headers matched automatically).
 */
export async function mappingOf(imports: ImportsService, auth: AuthContext, key: string, q: ImportQuery, req: Request): Promise<Record<string, string | null> | undefined> {
  const inline = req.headers['x-import-mapping'];
  if (typeof inline === 'string' && inline) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(decodeURIComponent(inline));
    } catch {
      parsed = undefined;
    }
    const valid =
      !!parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((v) => v === null || (typeof v === 'string' && /^[a-z][a-z0-9_]{0,62}$/.test(v)));
    if (!valid) throw new AppException(400, 'http.validation_failed', {}, [{ path: '/headers/x-import-mapping', keyword: 'type', message: '{ "header": "field_key" | null }' }]);
    return parsed as Record<string, string | null>;
  }
  return q.mappingId ? imports.mappingOrThrow(auth, key, q.mappingId) : undefined;
}

export function importOptions(q: ImportQuery, mapping?: Record<string, string | null>): ImportOptions {
  return {
    mode: q.mode ?? 'insert',
    ...(q.key ? { key: q.key } : {}),
    dryRun: q.dryRun !== 'false',
    skipInvalid: q.skipInvalid === 'true',
    ...(q.creditOverrideReason ? { creditOverrideReason: q.creditOverrideReason } : {}),
    ...(mapping ? { mapping } : {}),
  };
}

export interface ImportPreview {
  encoding: string;
  columns: SuggestedColumn[];
}

/**
 * Imports as background jobs (any size up to the upload limit; progress, cancel, an errors
 * workbook) and saved column mappings.
 */
@ApiTags('imports')
@ApiBearerAuth()
@Controller()
export class ImportJobsController {
  constructor(
    private readonly jobs: ImportJobsService,
    private readonly imports: ImportsService,
  ) {}

  @Post('forms/:key/imports/preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reads the header of a CSV / .xlsx only: its columns and the field suggested for each (by key, zh-CN/en label, common synonyms, partial matches) — the mapping step of the import wizard' })
  @ApiConsumes('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 400, schema: openApiRef('problem') })
  async preview(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @RequestLocale() locale: Locale, @Req() req: Request): Promise<ImportPreview> {
    if (!req.is(IMPORT_MEDIA_TYPES)) throw new AppException(415, 'imports.media_type');
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return this.imports.previewOrThrow(auth, key, bytes, locale);
  }

  @Post('forms/:key/imports/jobs')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Queue an import of a CSV / .xlsx file (same query as POST /forms/{key}/imports: mode insert|upsert|update, key, dryRun, skipInvalid, mappingId). The file is checked for encoding and header first (400 problem+json); then 202 with the job: poll GET /imports/{id}',
  })
  @ApiConsumes('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 202, schema: openApiRef('import-job') })
  @ApiResponse({ status: 400, schema: openApiRef('problem') })
  async create(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @Query() query: unknown, @RequestLocale() locale: Locale, @Req() req: Request): Promise<ImportJobDto> {
    const q = validateQueryOrThrow<ImportQuery>('record-import-query', query, locale);
    if (!req.is(IMPORT_MEDIA_TYPES)) throw new AppException(415, 'imports.media_type');
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const mapping = await mappingOf(this.imports, auth, key, q, req);
    const name = typeof req.headers['x-file-name'] === 'string' ? decodeURIComponent(req.headers['x-file-name']).slice(0, 255) : null;
    return this.jobs.createOrThrow(auth, key, bytes, importOptions(q, mapping), locale, name);
  }

  @Post('imports')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Queue an import of a large CSV / .xlsx (up to IMPORT_MAX_MB, default 1024 MB): the body is streamed to DATA_DIR/imports and run by this API process. Query: form (the form key) and the same options as POST /forms/{key}/imports',
  })
  @ApiConsumes('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiQuery({ name: 'form', required: true })
  @ApiResponse({ status: 202, schema: openApiRef('import-job') })
  @ApiResponse({ status: 413, schema: openApiRef('problem') })
  async createLarge(@CurrentAuth() auth: AuthContext, @Query() query: Record<string, unknown>, @RequestLocale() locale: Locale, @Req() req: Request): Promise<ImportJobDto> {
    const { form, ...rest } = query ?? {};
    if (typeof form !== 'string' || !/^[a-z][a-z0-9_]{0,62}$/.test(form)) throw new AppException(404, 'forms.not_found', { key: String(form ?? '') });
    const q = validateQueryOrThrow<ImportQuery>('record-import-query', rest, locale);
    if (!req.is(IMPORT_MEDIA_TYPES)) throw new AppException(415, 'imports.media_type');
    const mapping = await mappingOf(this.imports, auth, form, q, req);
    const upload = await this.jobs.receiveOrThrow(req);
    const name = typeof req.headers['x-file-name'] === 'string' ? decodeURIComponent(req.headers['x-file-name']).slice(0, 255) : null;
    return this.jobs.createOrThrow(auth, form, upload, importOptions(q, mapping), locale, name);
  }

  @Get('forms/:key/imports/jobs')
  @ApiOperation({ summary: 'The 20 most recent import jobs of the form (your own; admins: everyone\'s)' })
  list(@CurrentAuth() auth: AuthContext, @Param('key') key: string): Promise<ImportJobDto[]> {
    return this.jobs.listOrThrow(auth, key);
  }

  @Get('imports/:id')
  @ApiOperation({ summary: 'An import job: status (queued, running, succeeded, failed, cancelled), rows processed / total, rows per second, ETA, counts, the first 50 errors' })
  @ApiResponse({ status: 200, schema: openApiRef('import-job') })
  @ApiResponse({ status: 404, schema: openApiRef('problem') })
  get(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @RequestLocale() locale: Locale): Promise<ImportJobDto> {
    return this.jobs.getOrThrow(auth, id, locale);
  }

  @Post('imports/:id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a queued or running import: it stops after the current chunk and writes nothing (409 once finished)' })
  @ApiResponse({ status: 202, schema: openApiRef('import-job') })
  @ApiResponse({ status: 409, schema: openApiRef('problem') })
  cancel(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @RequestLocale() locale: Locale): Promise<ImportJobDto> {
    return this.jobs.cancelOrThrow(auth, id, locale);
  }

  @Get('imports/:id/errors.xlsx')
  @ApiOperation({ summary: 'The bad rows of an import as an .xlsx: row number, the cells as read, and a column of messages (zh-CN or en by Accept-Language); up to 10,000 rows' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async errors(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @RequestLocale() locale: Locale, @Res() res: Response): Promise<void> {
    const { header, rows } = await this.jobs.badRowsOrThrow(auth, id, locale);
    res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('content-disposition', `attachment; filename="import-${id}-errors.xlsx"`);
    const sink = xlsxSink(res);
    await sink.begin(header.map((h, i) => ({ key: String(i), header: h, numeric: false, cell: (v: string | null) => v ?? '' })));
    for await (const page of rows) await sink.rows(page);
    await sink.end();
  }

  @Get('forms/:key/import-mappings')
  @ApiOperation({ summary: "The form's saved column mappings" })
  mappings(@CurrentAuth() auth: AuthContext, @Param('key') key: string): Promise<ImportMappingDto[]> {
    return this.imports.mappingsOrThrow(auth, key);
  }

  @Post('forms/:key/import-mappings')
  @HttpCode(201)
  @ApiOperation({ summary: 'Save a column mapping (header → field key or null) under a name; the same name replaces it' })
  @ApiBody({ schema: openApiRef('import-mapping-request') })
  @ApiResponse({ status: 400, schema: openApiRef('problem') })
  saveMapping(
    @CurrentAuth() auth: AuthContext,
    @Param('key') key: string,
    @ValidBody('import-mapping-request') body: { name: string; columns: Array<{ header: string; field: string | null }>; mode?: 'insert' | 'upsert' | 'update'; key?: string | null },
    @RequestLocale() locale: Locale,
  ): Promise<ImportMappingDto> {
    return this.imports.saveMappingOrThrow(auth, key, body, locale);
  }
}
