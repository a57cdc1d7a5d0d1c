import { Controller, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppException } from '../../common/app.exception.js';
import { openApiRef, validateQueryOrThrow } from '../../common/body-validation.js';
import type { Locale } from '../../common/i18n.js';
import { CurrentAuth, RequestLocale, type AuthContext } from '../../common/request-context.js';
import { ImportsService, type ImportReport } from './imports.service.js';

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
  @ApiQuery({ name: 'mode', required: false, schema: { enum: ['insert'], default: 'insert' } })
  @ApiQuery({ name: 'dryRun', required: false, schema: { enum: ['true', 'false'], default: 'true' } })
  @ApiQuery({ name: 'skipInvalid', required: false, schema: { enum: ['true', 'false'], default: 'false' }, description: 'commit the valid rows and report the rest (default: all or nothing)' })
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
    const q = validateQueryOrThrow<{ mode?: 'insert'; dryRun?: 'true' | 'false'; skipInvalid?: 'true' | 'false' }>('record-import-query', query, locale);
    if (!req.is(IMPORT_MEDIA_TYPES)) throw new AppException(415, 'imports.media_type');
    // An empty body is not parsed at all: it is an empty file.
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const report = await this.imports.importCsvOrThrow(auth, key, bytes, { mode: q.mode ?? 'insert', dryRun: q.dryRun !== 'false', skipInvalid: q.skipInvalid === 'true' }, locale);
    if (!report.dryRun) res.status(201);
    return report;
  }
}
