import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { v7 as uuidv7 } from 'uuid';
import { AppException } from '../../common/app.exception.js';
import { translate, type Locale } from '../../common/i18n.js';
import type { AuthContext } from '../../common/request-context.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { TenantDatabase } from '../../database/tenant-database.js';
import { bufferSource, fileSource, type ByteSource } from './byte-source.js';
import { ImportsService, openSourceOrThrow, readHeader, type ImportOptions, type ImportProgress, type ImportReport, type KeptError } from './imports.service.js';

export const IMPORT_QUEUE = 'record-import';
/** Bad rows kept per job for the errors workbook. */
const MAX_BAD_ROWS = 10_000;
/** A running job whose runner has not reported for this long was interrupted (its transaction is gone). */
const STALE_MS = 120_000;
/** Progress is written at most this often (and after the last chunk). */
const PROGRESS_MS = 500;

export type ImportJobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

interface JobRow {
  id: string;
  form_key: string;
  status: ImportJobStatus;
  options: ImportOptions & { header: string[]; auth: { userId: string; email: string; roles: string[] } };
  locale: Locale;
  file_name: string | null;
  file_size: number;
  cancel_requested: boolean;
  rows_total: number | null;
  rows_processed: number;
  rows_valid: number;
  rows_invalid: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  report: ImportReport | null;
  problem: Record<string, unknown> | null;
  created_by: string;
  created_at: Date;
  started_at: Date | null;
  heartbeat_at: Date | null;
  finished_at: Date | null;
  now: Date;
}

export interface ImportJobDto {
  id: string;
  form: string;
  status: ImportJobStatus;
  mode: ImportOptions['mode'];
  key: string | null;
  dryRun: boolean;
  skipInvalid: boolean;
  fileName: string | null;
  fileSize: number;
  rows: { processed: number; total: number | null; valid: number; invalid: number };
  counts: { inserted: number; updated: number; unchanged: number; skipped: number; failed: number };
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  cancelRequested: boolean;
  errors: Array<{ row: number; column: number | null; header: string | null; field: string | null; message: string }>;
  report: ImportReport | null;
  problem: Record<string, unknown> | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

class Cancelled extends Error {}

/** Largest upload POST /api/imports takes (IMPORT_MAX_MB, default 1024). */
function maxUploadBytes(): number {
  const mb = Number(process.env.IMPORT_MAX_MB ?? 1024);
  return (Number.isFinite(mb) && mb > 0 ? mb : 1024) * 1048576;
}

const COLUMNS = `id, form_key, status, options, locale, file_name, file_size, cancel_requested, rows_total, rows_processed, rows_valid, rows_invalid,
  created, updated, unchanged, skipped, report, problem, created_by, created_at, started_at, heartbeat_at, finished_at, now() AS now`;

/**
 * Imports as background jobs: the upload is stored with the job, a pg-boss worker (or, with jobs
 * off, the API process itself) runs it chunk by chunk in one transaction while progress, counts
 * and bad rows are written beside it in short transactions of their own, so GET shows rows/s and
 * an ETA and a cancel is seen after the current chunk. Cancelled, failed or interrupted, the
 * transaction rolls back: 0 rows written.
 */
@Injectable()
export class ImportJobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ImportJobsService.name);
  private boss?: PgBoss;
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly db: TenantDatabase,
    private readonly imports: ImportsService,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobs) return;
    const boss = new PgBoss({ connectionString: this.config.resolvedOwnerDatabaseUrl, schema: 'pgboss', max: 2 });
    boss.on('error', (error) => this.logger.error(`pg-boss: ${error.message}`));
    await boss.start();
    await boss.createQueue(IMPORT_QUEUE);
    // Imports are interactive (someone watches the progress bar): polled every half second.
    await boss.work<{ tenantId: string; jobId: string }>(IMPORT_QUEUE, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
      if (job) await this.execute(job.data.tenantId, job.data.jobId);
    });
    this.boss = boss;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.boss?.stop({ graceful: true, timeout: 10_000 }).catch(() => undefined);
    await Promise.allSettled([...this.running]);
  }

  /**
   * Checks the file can be read (encoding, workbook, header) and queues it; 202 with the job.
   * `upload` is the file's bytes (kept in the table, run by any worker) or a file under
   * DATA_DIR/imports (a large upload: run by this process, then deleted).
   */
  async createOrThrow(auth: AuthContext, key: string, upload: Buffer | { path: string; size: number }, options: ImportOptions, locale: Locale, fileName: string | null): Promise<ImportJobDto> {
    let header: string[];
    // A large upload is read from its file a block at a time (never whole in memory).
    let file: ByteSource | null = null;
    try {
      if (!Buffer.isBuffer(upload)) file = fileSource(upload.path);
      const { records } = openSourceOrThrow(file ?? (upload as Buffer), locale);
      try {
        header = await readHeader(records, locale);
      } finally {
        // Only the header was wanted: the sheet's reader stops (its inflater and reads of the file end).
        await records.return?.();
      }
      // The form must exist and the user be allowed to import into it (the run checks again).
      await this.imports.checkAccessOrThrow(auth, key, options.mode, options.creditOverrideReason);
    } catch (error) {
      file?.close();
      if (!Buffer.isBuffer(upload)) await rm(upload.path, { force: true });
      throw error;
    }
    file?.close();
    const id = uuidv7();
    const inTable = Buffer.isBuffer(upload);
    const stored = { ...options, header, auth: { userId: auth.userId, email: auth.email, roles: auth.roles } };
    await this.db.run(auth.tenantId, (sql) =>
      sql.rows(
        `INSERT INTO import_jobs (tenant_id, id, form_key, options, locale, file_name, file_size, file, file_path, created_by)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10)`,
        [auth.tenantId, id, key, JSON.stringify(stored), locale, fileName, inTable ? upload.length : upload.size, inTable ? upload : null, inTable ? null : upload.path, auth.userId],
      ),
    );
    if (this.boss && inTable) await this.boss.send(IMPORT_QUEUE, { tenantId: auth.tenantId, jobId: id });
    else {
      const run = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.execute(auth.tenantId, id));
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }
    return this.getOrThrow(auth, id, locale);
  }

  /** The job; its errors' messages in `locale` (default: the language it was queued in). */
  async getOrThrow(auth: AuthContext, id: string, locale?: Locale): Promise<ImportJobDto> {
    const row = await this.rowOrThrow(auth, id);
    return toDto(row, await this.firstErrors(auth.tenantId, id, locale ?? row.locale));
  }

  /** Recent jobs of a form, newest first. */
  async listOrThrow(auth: AuthContext, key: string): Promise<ImportJobDto[]> {
    const rows = await this.db.run(auth.tenantId, (sql) =>
      sql.rows<JobRow>(`SELECT ${COLUMNS} FROM import_jobs WHERE form_key = $1 AND (created_by = $2 OR $3) ORDER BY created_at DESC LIMIT 20`, [key, auth.userId, auth.roles.includes('admin')]),
    );
    return rows.map((r) => toDto(this.staleChecked(r), []));
  }

  async cancelOrThrow(auth: AuthContext, id: string, locale?: Locale): Promise<ImportJobDto> {
    const row = await this.rowOrThrow(auth, id);
    if (row.status !== 'queued' && row.status !== 'running') throw new AppException(409, 'imports.job_finished');
    const [dropped] = await this.db.run(auth.tenantId, (sql) =>
      sql.rows<{ file_path: string | null; status: string }>(
        `UPDATE import_jobs SET cancel_requested = true,
           status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
           finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END,
           file = CASE WHEN status = 'queued' THEN NULL ELSE file END
         WHERE id = $1 RETURNING file_path, status`,
        [id],
      ),
    );
    if (dropped?.status === 'cancelled' && dropped.file_path) await rm(dropped.file_path, { force: true });
    return this.getOrThrow(auth, id, locale);
  }

  /** The bad rows of a job: cell texts as read, then a column of messages in `locale`. */
  async badRowsOrThrow(auth: AuthContext, id: string, locale: Locale): Promise<{ header: string[]; rows: AsyncIterable<string[][]> }> {
    const row = await this.rowOrThrow(auth, id);
    const header = [translate('imports.row_header', locale), ...row.options.header, translate('imports.errors_header', locale)];
    const db = this.db;
    async function* rows(): AsyncIterable<string[][]> {
      let after = 0;
      for (;;) {
        const page = await db.run(auth.tenantId, (sql) =>
          sql.rows<{ row: number; cells: string[]; errors: KeptError[] }>(
            'SELECT row, cells, errors FROM import_job_errors WHERE job_id = $1 AND row > $2 ORDER BY row LIMIT 2000',
            [id, after],
          ),
        );
        if (!page.length) return;
        after = page[page.length - 1]!.row;
        yield page.map((r) => {
          const cells = row.options.header.map((_, i) => r.cells[i] ?? '');
          const messages = r.errors.map((e) => `${e.header ? `${e.header}: ` : ''}${e.messages?.[locale] ?? e.message}`);
          return [String(r.row), ...cells, messages.join('\n')];
        });
      }
    }
    return { header, rows: rows() };
  }

  /** Streams a request body to DATA_DIR/imports (at most IMPORT_MAX_MB); 413 beyond, and the file is gone. */
  async receiveOrThrow(req: NodeJS.ReadableStream & { headers: Record<string, unknown> }): Promise<{ path: string; size: number }> {
    const dir = path.join(this.config.dataDir, 'imports');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${uuidv7()}.upload`);
    const limit = maxUploadBytes();
    if (Number(req.headers['content-length'] ?? 0) > limit) throw new AppException(413, 'http.payload_too_large', { limit: `${Math.round(limit / 1048576)} MB` });
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > limit) done(new AppException(413, 'http.payload_too_large', { limit: `${Math.round(limit / 1048576)} MB` }));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(req, counter, createWriteStream(file));
    } catch (error) {
      await rm(file, { force: true });
      throw error instanceof AppException ? error : new AppException(400, 'imports.upload_failed');
    }
    return { path: file, size };
  }

  /** Runs one job (the pg-boss worker, or in-process with jobs off). Never throws. */
  async execute(tenantId: string, id: string): Promise<void> {
    const claimed = await this.db.run(tenantId, (sql) =>
      sql.rows<JobRow & { file: Buffer | null; file_path: string | null }>(
        `UPDATE import_jobs SET status = 'running', started_at = now(), heartbeat_at = now()
         WHERE id = $1 AND status = 'queued' AND NOT cancel_requested
         RETURNING ${COLUMNS.replace(', now() AS now', '')}, file, file_path`,
        [id],
      ),
    );
    const job = claimed[0];
    if (!job) return;
    // A stored upload is read from its file as the import goes (never whole in memory).
    let bytes: ByteSource;
    try {
      bytes = job.file ? bufferSource(job.file) : fileSource(job.file_path!);
    } catch {
      bytes = bufferSource(Buffer.alloc(0));
    }
    job.file = null;
    const { auth: who, header: _header, ...options } = job.options;
    const auth: AuthContext = { tenantId, userId: who.userId, email: who.email, roles: who.roles };
    let kept = 0;
    let lastWrite = 0;
    const onChunk = async (p: ImportProgress) => {
      const bad = p.badRows.slice(0, Math.max(0, MAX_BAD_ROWS - kept));
      kept += bad.length;
      const now = Date.now();
      if (!bad.length && now - lastWrite < PROGRESS_MS) return;
      lastWrite = now;
      const cancel = await this.db.run(tenantId, async (sql) => {
        if (bad.length) {
          await sql.rows(
            `INSERT INTO import_job_errors (tenant_id, job_id, row, cells, errors)
             SELECT $1, $2, r, c, e FROM unnest($3::int[], $4::jsonb[], $5::jsonb[]) AS t(r, c, e) ON CONFLICT DO NOTHING`,
            [tenantId, id, bad.map((b) => b.row), bad.map((b) => JSON.stringify(b.cells)), bad.map((b) => JSON.stringify(b.errors))],
          );
        }
        const [state] = await sql.rows<{ cancel_requested: boolean }>(
          `UPDATE import_jobs SET rows_processed = $2, rows_total = $3, rows_valid = $4, rows_invalid = $5, created = $6, updated = $7, unchanged = $8, heartbeat_at = now()
           WHERE id = $1 RETURNING cancel_requested`,
          [id, p.processed, p.estimate === null ? null : Math.max(p.estimate, p.processed), p.valid, p.invalid, p.created, p.updated, p.unchanged],
        );
        return state?.cancel_requested ?? true;
      });
      if (cancel) throw new Cancelled();
    };
    let finish: { status: ImportJobStatus; report: ImportReport | null; problem: Record<string, unknown> | null };
    try {
      const report = await this.imports.runOrThrow(auth, job.form_key, bytes, options, job.locale, { onChunk });
      finish = { status: 'succeeded', report, problem: null };
    } catch (error) {
      if (error instanceof Cancelled) finish = { status: 'cancelled', report: null, problem: problemOf(new AppException(409, 'imports.cancelled'), job.locale) };
      else if (error instanceof AppException) {
        finish = { status: 'failed', report: (error.extensions?.report as ImportReport | undefined) ?? null, problem: problemOf(error, job.locale) };
      } else {
        this.logger.error(`import ${id}: ${(error as Error).stack ?? error}`);
        finish = { status: 'failed', report: null, problem: { status: 500, code: 'http.internal', title: translate('http.internal', job.locale) } };
      }
    }
    bytes.close();
    const r = finish.report;
    await this.db
      .run(tenantId, async (sql) => {
        if (r?.errors && finish.status === 'failed' && kept === 0) {
          // A file-level problem (header, encoding): its errors are the bad "rows".
          for (const e of r.errors.slice(0, 100)) {
            await sql.rows(`INSERT INTO import_job_errors (tenant_id, job_id, row, cells, errors) VALUES ($1, $2, $3, '[]', $4::jsonb) ON CONFLICT DO NOTHING`, [tenantId, id, e.row, JSON.stringify([e])]);
          }
        }
        await sql.rows(
          `UPDATE import_jobs SET status = $2, report = $3::jsonb, problem = $4::jsonb, finished_at = now(), file = NULL,
             rows_processed = coalesce($5, rows_processed), rows_total = coalesce($5, rows_total), rows_valid = coalesce($6, rows_valid), rows_invalid = coalesce($7, rows_invalid),
             created = CASE WHEN $2 = 'succeeded' THEN coalesce($8, 0) ELSE 0 END, updated = CASE WHEN $2 = 'succeeded' THEN coalesce($9, 0) ELSE 0 END,
             unchanged = CASE WHEN $2 = 'succeeded' THEN coalesce($10, 0) ELSE 0 END, skipped = coalesce($11, 0)
           WHERE id = $1`,
          [
            id,
            finish.status,
            r ? JSON.stringify(r) : null,
            finish.problem ? JSON.stringify(finish.problem) : null,
            r?.rows?.total ?? null,
            r?.rows?.valid ?? null,
            r?.rows?.invalid ?? null,
            r?.created ?? null,
            r?.updated ?? null,
            r?.unchanged ?? null,
            r?.skipped ?? null,
          ],
        );
      })
      .catch((error: Error) => this.logger.error(`import ${id}: could not record the end: ${error.message}`));
    if (job.file_path) await rm(job.file_path, { force: true });
  }

  private async rowOrThrow(auth: AuthContext, id: string): Promise<JobRow> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new AppException(404, 'imports.job_not_found');
    const row = await this.db.run(auth.tenantId, (sql) => sql.one<JobRow>(`SELECT ${COLUMNS} FROM import_jobs WHERE id = $1`, [id]));
    // Another user's imports are theirs (admins see all).
    if (!row || (row.created_by !== auth.userId && !auth.roles.includes('admin'))) throw new AppException(404, 'imports.job_not_found');
    const checked = this.staleChecked(row);
    if (checked !== row) {
      await this.db.run(auth.tenantId, (sql) =>
        sql.rows(`UPDATE import_jobs SET status = 'failed', problem = $2::jsonb, finished_at = now(), file = NULL WHERE id = $1 AND status = 'running'`, [id, JSON.stringify(checked.problem)]),
      );
    }
    return checked;
  }

  /** A running job whose runner went silent (the process died): failed, its transaction rolled back. */
  private staleChecked(row: JobRow): JobRow {
    if (row.status !== 'running' || !row.heartbeat_at || row.now.getTime() - row.heartbeat_at.getTime() < STALE_MS) return row;
    return { ...row, status: 'failed', created: 0, updated: 0, unchanged: 0, problem: problemOf(new AppException(500, 'imports.interrupted'), row.locale) };
  }

  private async firstErrors(tenantId: string, id: string, locale: Locale) {
    const rows = await this.db.run(tenantId, (sql) =>
      sql.rows<{ errors: KeptError[] }>('SELECT errors FROM import_job_errors WHERE job_id = $1 ORDER BY row LIMIT 50', [id]),
    );
    return rows.flatMap((r) => r.errors).slice(0, 50).map((e) => ({ row: e.row, column: e.column, header: e.header, field: e.field, message: e.messages?.[locale] ?? e.message }));
  }
}

function problemOf(error: AppException, locale: Locale): Record<string, unknown> {
  return {
    status: error.status,
    code: error.code,
    title: translate(error.code, locale, error.params),
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

function toDto(row: JobRow, errors: ImportJobDto['errors']): ImportJobDto {
  const started = row.started_at?.getTime();
  const end = (row.finished_at ?? row.now).getTime();
  const seconds = started ? Math.max(0.001, (end - started) / 1000) : null;
  const rate = seconds && row.rows_processed ? Math.round(row.rows_processed / seconds) : null;
  const left = row.rows_total !== null ? Math.max(0, row.rows_total - row.rows_processed) : null;
  const eta = row.status === 'running' && rate && left !== null ? Math.round(left / rate) : row.status === 'succeeded' ? 0 : null;
  return {
    id: row.id,
    form: row.form_key,
    status: row.status,
    mode: row.options.mode,
    key: row.options.key ?? null,
    dryRun: row.options.dryRun,
    skipInvalid: row.options.skipInvalid ?? false,
    fileName: row.file_name,
    fileSize: row.file_size,
    rows: { processed: row.rows_processed, total: row.rows_total, valid: row.rows_valid, invalid: row.rows_invalid },
    counts: { inserted: row.created, updated: row.updated, unchanged: row.unchanged, skipped: row.skipped, failed: row.rows_invalid },
    rowsPerSecond: rate,
    etaSeconds: eta,
    cancelRequested: row.cancel_requested,
    errors,
    report: row.report,
    problem: row.problem,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}
