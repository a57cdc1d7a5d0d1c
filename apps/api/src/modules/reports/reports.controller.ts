import { Controller, Get, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ValidBody, openApiRef, validateQueryOrThrow } from '../../common/body-validation.js';
import type { Locale } from '../../common/i18n.js';
import { CurrentAuth, RequestLocale, Roles, type AuthContext } from '../../common/request-context.js';
import type { AgingBasis, AgingGroup } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

interface ReportQuery {
  asOf: string;
  basis?: AgingBasis;
  groupBy?: AgingGroup;
  months?: string;
  limit?: string;
}

const READERS = ['admin', 'designer', 'viewer', 'credit_manager'];
const AS_OF = { name: 'asOf', required: true, schema: { type: 'string', format: 'date' }, example: '2026-11-25' } as const;

/** Receivables reports, computed in SQL with an explicit asOf (every figure exact to the cent). */
@ApiTags('reports')
@ApiBearerAuth()
@Controller()
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('reports/aging')
  @Roles(...READERS)
  @ApiOperation({ summary: 'AR aging: by overdue bucket (basis=due) or by 账龄 (basis=age); per company, customer or sales owner' })
  @ApiQuery(AS_OF)
  @ApiQuery({ name: 'basis', required: false, enum: ['due', 'age'] })
  @ApiQuery({ name: 'groupBy', required: false, enum: ['company', 'customer', 'sales_owner'] })
  async aging(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @RequestLocale() locale: Locale, @Res() res: Response) {
    const q = validateQueryOrThrow<ReportQuery>('report-query', query, locale);
    // The body comes serialised from SQL (a per-customer report can be megabytes): sent as is,
    // without re-parsing, re-serialising or hashing it for an ETag.
    const body = await this.reports.aging(auth, q.asOf, q.basis ?? 'due', q.groupBy ?? 'company', locale);
    res.status(200).type('application/json; charset=utf-8').end(body);
  }

  @Get('reports/provision')
  @Roles(...READERS)
  @ApiOperation({ summary: '坏账准备 by the 账龄 provision matrix (rates per tenant)' })
  @ApiQuery(AS_OF)
  provision(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @RequestLocale() locale: Locale) {
    const q = validateQueryOrThrow<ReportQuery>('report-query', query, locale);
    return this.reports.provision(auth, q.asOf, locale);
  }

  @Get('reports/dso')
  @Roles(...READERS)
  @ApiOperation({ summary: 'DSO (simple and countback), best possible DSO, average days delinquent, overdue % and 90+ %' })
  @ApiQuery(AS_OF)
  @ApiQuery({ name: 'months', required: false, schema: { type: 'integer', minimum: 1, maximum: 12, default: 3 } })
  dso(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @RequestLocale() locale: Locale) {
    const q = validateQueryOrThrow<ReportQuery>('report-query', query, locale);
    return this.reports.dso(auth, q.asOf, Number(q.months ?? 3));
  }

  @Get('reports/top-overdue')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Customers with the largest overdue balances, with their share of AR' })
  @ApiQuery(AS_OF)
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } })
  topOverdue(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @RequestLocale() locale: Locale) {
    const q = validateQueryOrThrow<ReportQuery>('report-query', query, locale);
    return this.reports.topOverdue(auth, q.asOf, Number(q.limit ?? 10));
  }

  @Get('reports/concentration')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Concentration: the top N customers and their share of AR' })
  @ApiQuery(AS_OF)
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } })
  concentration(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @RequestLocale() locale: Locale) {
    const q = validateQueryOrThrow<ReportQuery>('report-query', query, locale);
    return this.reports.concentration(auth, q.asOf, Number(q.limit ?? 10));
  }

  @Get('reports/distribution')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Grade distribution (assessments) and class distribution (customers) from the stored rule results' })
  distribution(@CurrentAuth() auth: AuthContext) {
    return this.reports.distribution(auth);
  }

  @Get('settings/provision-rates')
  @Roles(...READERS)
  @ApiOperation({ summary: 'The tenant’s 坏账准备 rates by 账龄 bracket' })
  rates(@CurrentAuth() auth: AuthContext) {
    return this.reports.provisionRates(auth);
  }

  @Put('settings/provision-rates')
  @Roles('admin')
  @ApiOperation({ summary: 'Change the 坏账准备 rates (admins; audited)' })
  @ApiBody({ schema: openApiRef('provision-rates') })
  setRates(@CurrentAuth() auth: AuthContext, @ValidBody('provision-rates') body: { rates: string[] }, @RequestLocale() locale: Locale) {
    return this.reports.setProvisionRates(auth, body.rates, locale);
  }
}
