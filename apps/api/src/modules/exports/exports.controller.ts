import { Controller, Get, Param, Query, Res, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppException } from '../../common/app.exception.js';
import { openApiRef, validateQueryOrThrow } from '../../common/body-validation.js';
import { translate, type Locale } from '../../common/i18n.js';
import { CurrentAuth, RequestLocale, type AuthContext } from '../../common/request-context.js';
import type { HeaderMode } from './export-columns.js';
import { xlsxSink } from './xlsx-sink.js';
import { ExportsService, csvSink, type ExportQuery, type ExportSink } from './exports.service.js';

interface ExportQueryString {
  headers?: HeaderMode;
  filter?: string;
  sort?: string;
  fields?: string;
}

function parseOrThrow(query: unknown, locale: Locale): ExportQuery {
  const q = validateQueryOrThrow<ExportQueryString>('record-export-query', query, locale);
  let filter: unknown;
  if (q.filter !== undefined) {
    try {
      filter = JSON.parse(q.filter);
    } catch {
      throw new AppException(400, 'query.invalid', {}, [{ path: '/filter', keyword: 'format', message: translate('query.not_json', locale) }]);
    }
  }
  return { headers: q.headers ?? 'labels', filter, sort: q.sort, fields: q.fields?.split(',') };
}

const ExportQueryDocs = () =>
  applyDecorators(
  ApiQuery({ name: 'headers', required: false, schema: { enum: ['labels', 'keys'], default: 'labels' } }),
  ApiQuery({ name: 'filter', required: false, schema: { type: 'string' }, example: '{"credit_limit":{"gte":"100000"}}' }),
  ApiQuery({ name: 'sort', required: false, schema: { type: 'string' }, example: '-credit_limit' }),
  ApiQuery({ name: 'fields', required: false, schema: { type: 'string' }, example: 'name,credit_limit' }),
    ApiResponse({ status: 400, schema: openApiRef('problem') }),
  );

@ApiTags('exports')
@ApiBearerAuth()
@Controller('forms/:key')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get('export.csv')
  @ApiOperation({ summary: 'The record list as CSV (UTF-8 with BOM, CRLF), streamed: same filter/sort/fields as the list; hidden fields never exported' })
  @ApiProduces('text/csv')
  @ExportQueryDocs()
  async csv(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @Query() query: unknown, @RequestLocale() locale: Locale, @Res() res: Response) {
    await this.run(auth, key, query, locale, res, csvSink);
  }

  @Get('export.xlsx')
  @ApiOperation({ summary: 'The record list as an Excel workbook (one sheet, header row frozen), streamed; same parameters as export.csv' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ExportQueryDocs()
  async xlsx(@CurrentAuth() auth: AuthContext, @Param('key') key: string, @Query() query: unknown, @RequestLocale() locale: Locale, @Res() res: Response) {
    await this.run(auth, key, query, locale, res, xlsxSink);
  }

  private async run(auth: AuthContext, key: string, query: unknown, locale: Locale, res: Response, sink: (res: Response) => ExportSink) {
    await this.exports.exportOrThrow(auth, key, parseOrThrow(query, locale), locale, res, sink);
  }
}
