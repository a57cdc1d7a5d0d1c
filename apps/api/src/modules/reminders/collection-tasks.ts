import type { Sql } from '../../database/tenant-database.js';
import type { FormsService, PublishedForm } from '../forms/forms.service.js';
import { diffRecordData } from '../records/record-diff.js';
import type { RecordRow, RecordsRepository } from '../records/records.repository.js';

export type TaskText = { 'zh-CN': string; en: string };

/**
 * Phrases the collection run writes into collection tasks (stored in zh-CN, like the stage
 * instructions it copies), with their English: `collectionTexts` lists them so an English reader
 * sees them in English.
 */
export const TASK_TEXTS = {
  /** Appended to an automatic stage's instruction when the customer has no e-mail address. */
  noEmail: { 'zh-CN': '（客户无邮箱，请人工提醒）', en: ' (the customer has no e-mail address: remind them yourself)' },
  mailed: { 'zh-CN': '提醒邮件已发送', en: 'Reminder e-mail sent' },
  settled: { 'zh-CN': '应收已结清，自动关闭', en: 'Receivable settled: closed automatically' },
  deleted: { 'zh-CN': '应收单已删除', en: 'Receivable deleted' },
} satisfies Record<string, TaskText>;

/*
 * Writes on collection tasks and records that do not go through RecordsService (so the credit
 * module, which RecordsService uses, can call them without an import cycle).
 */
/** A server-side change to a record: recomputed by its form, written as a revision by `userId`. */
export async function writeServerChange(
  sql: Sql,
  records: RecordsRepository,
  form: PublishedForm,
  row: Pick<RecordRow, 'id' | 'rev' | 'data'>,
  userId: string,
  asOf: string,
  patch: Record<string, unknown>,
) {
  const input = { ...form.compiled.withoutComputed(row.data), ...patch };
  const autoNumbers = Object.fromEntries(form.compiled.autoNumberFields.map((f) => [f.key, row.data[f.key]]));
  const data = form.compiled.complete({ ...input, ...autoNumbers }, { asOf });
  const changes = diffRecordData(row.data, data);
  if (!Object.keys(changes).length) return null;
  return records.writeIfRev(sql, { formId: form.id, id: row.id, expectedRev: row.rev, action: 'update', data, versionId: form.versionId, changes, userId });
}

/**
 * Open collection tasks of settled receivables (paid or written off) are done; of deleted ones,
 * cancelled. Used by the daily run and right after a payment settles items.
 */
export async function closeSettledTasks(sql: Sql, forms: FormsService, records: RecordsRepository, userId: string, asOf: string, receivableIds?: string[]): Promise<number> {
  if (receivableIds && !receivableIds.length) return 0;
  const taskForm = await forms.publishedOrThrow(sql, 'collection_task').catch(() => null);
  if (!taskForm) return 0;
  const rows = await sql.rows<RecordRow & { settled: boolean }>(
    `SELECT t.id, t.rev, t.form_version_id, t.data, (rv.deleted_at IS NULL) AS settled
     FROM records_t t JOIN records_t rv ON rv.form_id = (SELECT rf.id FROM forms rf WHERE rf.key = 'receivable') AND rv.id = (t.data->>'receivable')::uuid
     WHERE t.form_id = $1 AND t.deleted_at IS NULL AND t.data->>'status' = 'open'
       AND ($2::text[] IS NULL OR t.data->>'receivable' = ANY($2::text[]))
       AND (rv.deleted_at IS NOT NULL OR coalesce((rv.data->>'outstanding')::numeric, 0) <= 0)`,
    [taskForm.id, receivableIds ?? null],
  );
  for (const row of rows) {
    await writeServerChange(sql, records, taskForm, row, userId, asOf, row.settled ? { status: 'done', closed_on: asOf, note: TASK_TEXTS.settled['zh-CN'] } : { status: 'cancelled', closed_on: asOf, note: TASK_TEXTS.deleted['zh-CN'] });
  }
  return rows.length;
}
