import { Inject, Injectable } from '@nestjs/common';
import { autoNumberPeriod, formatAutoNumber, type FieldError } from '@credo/form-engine';
import { v7 as uuidv7 } from 'uuid';
import { AppException } from '../../common/app.exception.js';
import { Clock } from '../../common/clock.js';
import type { Locale } from '../../common/i18n.js';
import type { AuthContext } from '../../common/request-context.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { TenantDatabase, type Sql } from '../../database/tenant-database.js';
import { FormsService, type PublishedForm } from '../forms/forms.service.js';
import { COUNT_CAP } from '../forms/forms.repository.js';
import { RecordsRepository, type RecordRow } from './records.repository.js';

export interface RecordDto {
  id: string;
  rev: number;
  formVersion: number;
  data: Record<string, unknown>;
  createdAt: string;
  createdBy: string | null;
  updatedAt: string;
  updatedBy: string | null;
}

export interface ListQuery {
  limit: number;
  cursor: string | null;
  total: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSERT_CHUNK = 1000;

export class RecordValidationError extends Error {
  constructor(
    readonly index: number,
    readonly errors: FieldError[],
  ) {
    super(`record ${index} is invalid`);
  }
}

@Injectable()
export class RecordsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly forms: FormsService,
    private readonly records: RecordsRepository,
    private readonly clock: Clock,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async createOrThrow(auth: AuthContext, key: string, data: unknown, locale: Locale): Promise<RecordDto> {
    const [row] = await this.db.run(auth.tenantId, async (sql) => {
      const form = await this.forms.publishedOrThrow(sql, key);
      const result = form.compiled.validateInput(data, locale);
      if (!result.valid) throw new AppException(400, 'http.validation_failed', {}, result.errors);
      return this.insertValidated(sql, auth.tenantId, auth.userId, form, [data as Record<string, unknown>]);
    });
    return toDto(row!);
  }

  /**
   * Validates and inserts many records in one transaction (seeding, later imports): all or
   * nothing. Throws RecordValidationError naming the first bad row.
   */
  async createManyOrThrow(sql: Sql, tenantId: string, userId: string | null, key: string, rows: unknown[], locale: Locale = 'zh-CN'): Promise<number> {
    const form = await this.forms.publishedOrThrow(sql, key);
    rows.forEach((data, index) => {
      const result = form.compiled.validateInput(data, locale);
      if (!result.valid) throw new RecordValidationError(index, result.errors);
    });
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      await this.insertValidated(sql, tenantId, userId, form, rows.slice(start, start + INSERT_CHUNK) as Record<string, unknown>[]);
    }
    return rows.length;
  }

  async getOrThrow(auth: AuthContext, key: string, id: string): Promise<RecordDto> {
    if (!UUID.test(id)) throw new AppException(404, 'records.not_found');
    const row = await this.db.run(auth.tenantId, async (sql) => {
      const form = await this.forms.publishedOrThrow(sql, key);
      return this.records.findById(sql, form.id, id);
    });
    if (!row) throw new AppException(404, 'records.not_found');
    return toDto(row);
  }

  async list(auth: AuthContext, key: string, query: ListQuery) {
    const after = query.cursor === null ? null : decodeCursorOrThrow(query.cursor);
    return this.db.run(auth.tenantId, async (sql) => {
      const form = await this.forms.publishedOrThrow(sql, key);
      const rows = await this.records.page(sql, form.id, query.limit + 1, after);
      const hasMore = rows.length > query.limit;
      const items = rows.slice(0, query.limit).map(toDto);
      const last = items[items.length - 1];
      const page: { items: RecordDto[]; next: string | null; total?: number; totalCapped?: boolean } = {
        items,
        next: hasMore && last ? encodeCursor(last.id) : null,
      };
      if (query.total) {
        const total = await this.records.count(sql, form.id);
        page.total = Math.min(total, COUNT_CAP);
        page.totalCapped = total > COUNT_CAP;
      }
      return page;
    });
  }

  private async insertValidated(
    sql: Sql,
    tenantId: string,
    userId: string | null,
    form: PublishedForm,
    inputs: Record<string, unknown>[],
  ): Promise<RecordRow[]> {
    const asOf = this.clock.today(this.config.timezone);
    const datas = inputs.map((input) => ({ ...input }));
    for (const field of form.compiled.autoNumberFields) {
      const period = autoNumberPeriod(field.pattern, asOf);
      const numbers = await this.records.nextNumbers(sql, form.id, field.key, period, datas.length);
      datas.forEach((data, i) => {
        data[field.key] = formatAutoNumber(field.pattern, numbers[i]!, asOf);
      });
    }
    const records = datas.map((data) => ({ id: uuidv7(), data: form.compiled.complete(data, { asOf }) }));
    return this.records.insertMany(sql, { tenantId, formId: form.id, versionId: form.versionId, userId }, records);
  }
}

function toDto(row: RecordRow): RecordDto {
  return {
    id: row.id,
    rev: row.rev,
    formVersion: row.version_number,
    data: row.data,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursorOrThrow(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id)) {
    throw new AppException(400, 'records.bad_cursor');
  }
  return id;
}
