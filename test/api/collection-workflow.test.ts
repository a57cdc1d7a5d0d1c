import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';
import { mailText, startSmtpPeer } from '../support/smtp.js';

/*
 * The collection workflow of issue 8 (DOMAIN §5.1, §5.2, §6.6): the daily collection run, with
 * an explicit asOf, creates one collection_task per receivable and stage, closes the tasks of
 * paid items, pauses disputed items and open promises, checks promises to pay against payments
 * (kept / broken) and raises PTP_BROKEN from the default customer rule set.
 */

let server: TestServer;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let admin: ReturnType<typeof api>;
let staffId: string;
let adminId: string;
let creditId: string;
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const day = (offset: number) => new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  smtp = await startSmtpPeer();
  server = await startTestServer({ demoCustomers: 0, config: { smtpUrl: smtp.url } });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  adminId = (await admin.get('/api/auth/me')).body.id;
  staffId = (await api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local')).get('/api/auth/me')).body.id;
  creditId = (await api(server.baseUrl, await login(server.baseUrl, 'credit@demo.local')).get('/api/auth/me')).body.id;
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

async function customer(extra: Record<string, unknown>): Promise<{ id: string; data: Record<string, unknown> }> {
  const res = await admin.post('/api/forms/customer/records', {
    data: { name: uniqueName('催收流程'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: staffId, ...extra },
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** A 1,000.00 receivable on 30-day terms, due `daysLate` days before `today` (negative: not yet due). */
async function receivable(customerId: string, daysLate: number, extra: Record<string, unknown> = {}): Promise<{ id: string; data: Record<string, unknown> }> {
  const res = await admin.post('/api/forms/receivable/records', {
    data: { customer: customerId, amount: '1000.00', biz_date: day(-30 - daysLate), invoice_date: day(-30 - daysLate), term_days: 30, ...extra },
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function run(asOf: string) {
  const res = await admin.post('/api/reminders/run', { asOf });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function tasksOf(receivableId: string) {
  return ownerQuery<{ id: string; data: Record<string, unknown>; rev: number }>(
    server.databaseUrl,
    `SELECT r.id, r.data, r.rev FROM records r JOIN forms f ON f.id = r.form_id AND f.tenant_id = r.tenant_id
     WHERE f.key = 'collection_task' AND r.deleted_at IS NULL AND r.data->>'receivable' = $1 ORDER BY r.data->>'stage'`,
    [receivableId],
  );
}

async function pay(customerId: string, receivableId: string, amount: string, receivedOn: string) {
  const res = await admin.post('/api/forms/payment/records', {
    data: { customer: customerId, received_on: receivedOn, amount, allocations: [{ receivable: receivableId, amount }] },
  });
  expect(res.status, res.text).toBe(201);
}

describe('collection tasks per stage (DOMAIN §5.1)', () => {
  it('one task per receivable and stage with the stage assignee and due date; re-running creates none; disputed and paid items get none', async () => {
    const mailed = await customer({ email: 'ap@tasks.example', collector: adminId });
    const silent = await customer({});
    const preDue = await receivable(mailed.id, -5); // D−5: S0, the e-mail is the task
    const phone = await receivable(mailed.id, 10); // D+10: S3 phone follow-up, sales owner
    const letter = await receivable(mailed.id, 35); // D+35: S4 demand letter, the collector
    const escalate = await receivable(mailed.id, 65); // D+65: S5, the credit manager
    const lawyer = await receivable(mailed.id, 95); // D+95: S6, the credit manager
    const disputed = await receivable(mailed.id, 10, { disputed: true, dispute_reason: '质量争议' });
    const paid = await receivable(mailed.id, 10, { received: '1000.00' });
    const noMail = await receivable(silent.id, 1); // D+1: S1, but nobody to e-mail: open for the sales owner

    const first = await run(day(0));
    expect(first).toMatchObject({ asOf: day(0), emails: 1, items: 5, skippedNoEmail: 1, tasks: { created: 6, closed: 0 } });
    expect(smtp.mails).toHaveLength(1);
    const text = mailText(smtp.mails[0]!.raw);
    for (const item of [preDue, phone, letter, escalate, lawyer]) expect(text).toContain(item.data.ar_no as string);

    const expectTask = async (item: { id: string }, stage: string, fields: Record<string, unknown>) => {
      const tasks = await tasksOf(item.id);
      expect(tasks, `${stage} task`).toHaveLength(1);
      expect(tasks[0]!.data).toMatchObject({ stage, task_key: `${item.id}:${stage}`, ...fields });
    };
    await expectTask(preDue, 'S0', { status: 'done', closed_on: day(0), assignee: staffId, due_on: day(-2) });
    await expectTask(phone, 'S3', { status: 'open', assignee: staffId, due_on: day(-3), customer: mailed.id });
    await expectTask(letter, 'S4', { status: 'open', assignee: adminId, due_on: day(-5) });
    await expectTask(escalate, 'S5', { status: 'open', assignee: creditId, due_on: day(-5) });
    await expectTask(lawyer, 'S6', { status: 'open', assignee: creditId, due_on: day(-5) });
    await expectTask(noMail, 'S1', { status: 'open', assignee: staffId, due_on: day(-1) });
    expect((await tasksOf(noMail.id))[0]!.data.instruction).toContain('人工');
    // Every text the run wrote into a task (stored in zh-CN) has its English, for English readers.
    const staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
    const texts = await staff.get('/api/reminders/texts');
    expect(texts.status, texts.text).toBe(200);
    const english = new Map((texts.body.texts as Array<{ 'zh-CN': string; en: string }>).map((t) => [t['zh-CN'], t.en]));
    const written = await ownerQuery<{ text: string }>(
      server.databaseUrl,
      `SELECT DISTINCT x.text FROM records r JOIN forms f ON f.id = r.form_id, LATERAL (VALUES (r.data->>'instruction'), (r.data->>'note')) x(text)
       WHERE f.key = 'collection_task' AND x.text IS NOT NULL`,
    );
    expect(written.length).toBeGreaterThanOrEqual(5);
    for (const { text } of written) expect(english.get(text), text).toMatch(/^[\x20-\x7e]+$/);
    expect(english.get('到期提醒（邮件/短信）（客户无邮箱，请人工提醒）')).toBe('Due-date reminder (e-mail / SMS) (the customer has no e-mail address: remind them yourself)');
    expect(await tasksOf(disputed.id)).toHaveLength(0);
    expect(await tasksOf(paid.id)).toHaveLength(0);
    // Tasks are ordinary records of the collection_task form: listed through the forms API.
    const list = await admin.get(`/api/forms/collection_task/records?filter=${encodeURIComponent(JSON.stringify({ assignee: { eq: creditId } }))}`);
    expect(list.status, list.text).toBe(200);
    expect(list.body.items.map((t: { data: { receivable: string } }) => t.data.receivable).sort()).toEqual([escalate.id, lawyer.id].sort());

    const again = await run(day(0));
    expect(again).toMatchObject({ emails: 0, items: 0, tasks: { created: 0, closed: 0 } });
    const [{ n }] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'collection_task'`);
    expect(n).toBe(6);

    // Three days on: the silent customer's item moved to S2 (a new task), nothing else changed stage.
    const later = await run(day(3));
    expect(later.tasks).toEqual({ created: 1, closed: 0 });
    expect((await tasksOf(noMail.id)).map((t) => t.data.stage)).toEqual(['S1', 'S2']);

    // The disputed item, once the dispute is settled, joins the sequence at its stage.
    const undisputed = await admin.call('PATCH', `/api/forms/receivable/records/${disputed.id}`, { body: { data: { disputed: false, dispute_reason: null } }, headers: { 'if-match': '"1"' } });
    expect(undisputed.status, undisputed.text).toBe(200);
    expect((await run(day(3))).tasks.created).toBe(1);
    expect((await tasksOf(disputed.id))[0]!.data).toMatchObject({ stage: 'S3', status: 'open' });
  });

  it('a paying settlement closes the item\'s open tasks at once; the run closes those of written-off items and cancels those of deleted ones', async () => {
    const c = await customer({});
    const item = await receivable(c.id, 12);
    const gone = await receivable(c.id, 12);
    await run(day(0));
    expect((await tasksOf(item.id))[0]!.data.status).toBe('open');
    // The payment that settles the item closes its task at once (done, dated today) …
    await pay(c.id, item.id, '1000.00', day(0));
    const [closed] = await tasksOf(item.id);
    expect(closed!.data).toMatchObject({ status: 'done', closed_on: day(0) });
    expect(closed!.rev).toBe(2);
    // … the run closes what changed otherwise: a written-off item's task is done, a deleted item's cancelled.
    const writtenOff = await receivable(c.id, 12);
    await run(day(0));
    const wo = await admin.call('PATCH', `/api/forms/receivable/records/${writtenOff.id}`, { body: { data: { written_off: '1000.00' } }, headers: { 'if-match': '"1"' } });
    expect(wo.status, wo.text).toBe(200);
    const del = await admin.call('DELETE', `/api/forms/receivable/records/${gone.id}`, { headers: { 'if-match': '"1"' } });
    expect(del.status, del.text).toBeLessThan(300);
    const result = await run(day(1));
    expect(result.tasks).toEqual({ created: 0, closed: 2 });
    expect((await tasksOf(writtenOff.id))[0]!.data).toMatchObject({ status: 'done', closed_on: day(1) });
    expect((await tasksOf(item.id))[0]!.rev).toBe(2);
    const [cancelled] = await tasksOf(gone.id);
    expect(cancelled!.data).toMatchObject({ status: 'cancelled', closed_on: day(1) });
  });
});

describe('idempotent under concurrency', () => {
  it('two runs at the same time create each task once', async () => {
    const c = await customer({});
    const items = await Promise.all([8, 31, 61].map((late) => receivable(c.id, late)));
    const [a, b] = await Promise.all([run(day(0)), run(day(0))]);
    expect(a.tasks.created + b.tasks.created).toBe(3);
    for (const item of items) expect(await tasksOf(item.id)).toHaveLength(1);
  });
});

describe('promises to pay (DOMAIN §5.2, §6.6 PTP_BROKEN)', () => {
  it('kept when payments cover the promise, broken once promised date + 3 days pass without them; counted and alerted on the customer', async () => {
    const c = await customer({ email: 'ap@promise.example' });
    const short = await receivable(c.id, 20);
    const settled = await receivable(c.id, 20);
    const later = await receivable(c.id, 10);
    const promise = async (item: { id: string }, collectedOn: string, promisedDate: string, amount: string) => {
      const res = await admin.post('/api/forms/collection_record/records', {
        data: {
          customer: c.id, receivable: item.id, collected_at: `${collectedOn}T10:00:00+08:00`, stage: 'S3', method: '电话', collector: staffId,
          summary: '客户承诺付款', result: '承诺付款', promised_date: promisedDate, promised_amount: amount,
        },
      });
      expect(res.status, res.text).toBe(201);
      return res.body.id as string;
    };
    const broken = await promise(short, day(-10), day(-6), '600.00');
    const kept = await promise(settled, day(-10), day(-8), '500.00');
    const open = await promise(later, day(-2), day(5), '1000.00');
    await pay(c.id, settled.id, '500.00', day(-7));
    await pay(c.id, short.id, '200.00', day(-4));

    const record = async (id: string) => (await admin.get(`/api/forms/collection_record/records/${id}`)).body;
    const customerRead = async () => (await admin.get(`/api/forms/customer/records/${c.id}`)).body;

    // As of D−5 the short promise is still within its grace (promised D−6 + 3 days).
    const early = await run(day(-5));
    expect(early.promises).toEqual({ open: 1, kept: 1, broken: 0 });
    expect((await record(kept)).data).toMatchObject({ promise_status: '已兑现', promise_paid: '500.00', promise_checked_on: day(-5) });
    expect((await record(broken)).data).toMatchObject({ promise_status: '待兑现' });
    expect((await customerRead()).rollups).toMatchObject({ broken_promises_90d: 0, open_broken_promises: 0 });

    // An open promise pauses its item: no task, no e-mail for it.
    const now = await run(day(0));
    expect(now.promises).toEqual({ open: 1, kept: 0, broken: 1 });
    expect(await tasksOf(later.id)).toHaveLength(0);
    expect(smtp.mails.map((m) => mailText(m.raw)).join('\n')).not.toContain(later.data.ar_no as string);
    expect((await record(broken)).data).toMatchObject({ promise_status: '已违约', promise_paid: '200.00', promise_checked_on: day(0) });
    expect((await record(open)).data.promise_status).toBe('待兑现');
    const history = await admin.get(`/api/forms/collection_record/records/${broken}/revisions`);
    expect(history.body.items[0].changes.promise_status).toEqual({ from: '待兑现', to: '已违约' });

    const read = await customerRead();
    expect(read.rollups).toMatchObject({ broken_promises_90d: 1, open_broken_promises: 1 });
    expect(read.rules.alerts.map((a: { code: string }) => a.code)).toContain('PTP_BROKEN');

    // Broken stays broken; the check runs again without rewriting anything.
    const again = await run(day(0));
    expect(again.promises).toEqual({ open: 1, kept: 0, broken: 0 });
    expect((await record(broken)).rev).toBe(3);

    // Paying the rest closes the item: the broken promise still counts for 90 days, no longer open.
    await pay(c.id, short.id, '800.00', day(0));
    const after = await customerRead();
    expect(after.rollups).toMatchObject({ broken_promises_90d: 1, open_broken_promises: 0 });
    expect(after.rules.alerts.map((a: { code: string }) => a.code)).not.toContain('PTP_BROKEN');
  });
});

describe('a promise for the whole customer', () => {
  it('pauses every item of the customer until the promised date, and is kept by any payment of the customer', async () => {
    const c = await customer({ email: 'ap@whole.example' });
    const items = await Promise.all([9, 33].map((late) => receivable(c.id, late)));
    const res = await admin.post('/api/forms/collection_record/records', {
      data: { customer: c.id, collected_at: `${day(-4)}T15:00:00+08:00`, method: '电话', collector: staffId, summary: '月底统一付款', result: '承诺付款', promised_date: day(1), promised_amount: '1500.00' },
    });
    expect(res.status, res.text).toBe(201);
    const mailsBefore = smtp.mails.length;
    const paused = await run(day(-3));
    expect(paused.promises.open).toBeGreaterThanOrEqual(1);
    for (const item of items) expect(await tasksOf(item.id)).toHaveLength(0);
    expect(smtp.mails.slice(mailsBefore).some((m) => m.to.includes('ap@whole.example'))).toBe(false);
    // Paid before the date (any allocation of the customer's payments counts): kept, and the pause ends.
    await pay(c.id, items[0]!.id, '1000.00', day(-2));
    await pay(c.id, items[1]!.id, '500.00', day(-2));
    const after = await run(day(0));
    expect(after.promises.kept).toBe(1);
    expect((await ownerQuery<{ s: string }>(server.databaseUrl, `SELECT data->>'promise_status' AS s FROM records WHERE id = $1`, [res.body.id]))[0]!.s).toBe('已兑现');
    expect((await tasksOf(items[1]!.id)).map((t) => t.data.stage)).toEqual(['S4']);
  });
});

describe('the stage plan is tenant configuration', () => {
  it('credit managers change the stages and the promise grace; tasks and promises follow; bad plans are 400 naming the stage', async () => {
    const defaults = await admin.get('/api/reminders/settings');
    expect(defaults.status, defaults.text).toBe(200);
    expect(defaults.body.promiseGraceDays).toBe(3);
    expect(defaults.body.stages.map((s: { stage: string; offset: number }) => `${s.stage}${s.offset}`)).toEqual(['S0-7', 'S10', 'S23', 'S37', 'S430', 'S560', 'S690', 'S7120']);

    const staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
    const credit = api(server.baseUrl, await login(server.baseUrl, 'credit@demo.local'));
    const plan = {
      promiseGraceDays: 1,
      stages: [
        { stage: 'S0', offset: -7, assignee: 'system', instruction: { 'zh-CN': '到期前提醒', en: 'Due soon' } },
        { stage: 'S3', offset: 5, assignee: 'sales_owner', instruction: { 'zh-CN': '电话催收', en: 'Call' } },
        { stage: 'S6', offset: 45, assignee: 'credit_manager', instruction: { 'zh-CN': '律师函', en: "Lawyer's letter" } },
      ],
    };
    expect((await staff.call('PUT', '/api/reminders/settings', { body: plan })).status).toBe(403);
    const dup = await credit.call('PUT', '/api/reminders/settings', { body: { stages: [plan.stages[1], plan.stages[1]] } });
    expect(dup.status).toBe(400);
    expect(dup.body.errors[0].path).toBe('/stages/1/stage');
    expect(dup.body.errors[0].message).toBe('阶段 S3 重复');
    const backwards = await credit.call('PUT', '/api/reminders/settings', { body: { stages: [plan.stages[1], { ...plan.stages[2], offset: 2 }] }, headers: { 'accept-language': 'en' } });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0]).toMatchObject({ path: '/stages/1/offset', message: 'Stage S6 (D+2) must come after S3 (D+5) with more days' });
    const unknown = await credit.call('PUT', '/api/reminders/settings', { body: { stages: [{ ...plan.stages[1], stage: 'S9' }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe('/stages/0/stage');
    const saved = await credit.call('PUT', '/api/reminders/settings', { body: plan });
    expect(saved.status, saved.text).toBe(200);
    expect((await admin.get('/api/reminders/settings')).body).toEqual(plan);
    // The texts follow the plan.
    expect((await staff.get('/api/reminders/texts')).body.texts).toEqual(
      expect.arrayContaining([
        { 'zh-CN': '到期前提醒', en: 'Due soon' },
        { 'zh-CN': '到期前提醒（客户无邮箱，请人工提醒）', en: 'Due soon (the customer has no e-mail address: remind them yourself)' },
        { 'zh-CN': '律师函', en: "Lawyer's letter" },
      ]),
    );

    const c = await customer({});
    const sixDays = await receivable(c.id, 6); // D+6: the phone stage starts at D+5 now
    const fifty = await receivable(c.id, 50); // D+50: the lawyer's letter at D+45
    const promised = await receivable(c.id, 2);
    const res = await admin.post('/api/forms/collection_record/records', {
      data: { customer: c.id, receivable: promised.id, collected_at: `${day(-5)}T09:00:00+08:00`, method: '电话', collector: staffId, summary: '承诺付款', result: '承诺付款', promised_date: day(-3), promised_amount: '1000.00' },
    });
    expect(res.status, res.text).toBe(201);
    const result = await run(day(0));
    expect(result.promises).toMatchObject({ broken: 1 }); // D−3 + 1 day of grace has passed (the default 3 would not have)
    expect((await tasksOf(sixDays.id)).map((t) => [t.data.stage, t.data.due_on])).toEqual([['S3', day(-1)]]);
    expect((await tasksOf(fifty.id)).map((t) => [t.data.stage, t.data.assignee])).toEqual([['S6', creditId]]);

    expect((await credit.call('PUT', '/api/reminders/settings', { body: defaults.body })).status).toBe(200);
  });

  it('the e-mails follow the plan: a stage marked email sends its e-mail, a stage marked otherwise sends none', async () => {
    const credit = api(server.baseUrl, await login(server.baseUrl, 'credit@demo.local'));
    const defaults = (await admin.get('/api/reminders/settings')).body;
    const plan = {
      stages: [
        { stage: 'S1', offset: 0, assignee: 'system', instruction: { 'zh-CN': '到期提醒', en: 'Due today' } },
        { stage: 'S3', offset: 5, assignee: 'sales_owner', instruction: { 'zh-CN': '对账确认函：请核对并回函', en: 'Statement confirmation' }, email: true },
        { stage: 'S6', offset: 45, assignee: 'credit_manager', instruction: { 'zh-CN': '律师函', en: "Lawyer's letter" }, email: false },
      ],
    };
    const saved = await credit.call('PUT', '/api/reminders/settings', { body: plan });
    expect(saved.status, saved.text).toBe(200);
    try {
      const c = await customer({ email: 'plan-mail@example.com' });
      const six = await receivable(c.id, 6);
      const fifty = await receivable(c.id, 50);
      const before = smtp.mails.length;
      await run(day(0));
      const mails = smtp.mails.slice(before).filter((m) => m.to.includes('plan-mail@example.com'));
      expect(mails).toHaveLength(1);
      const text = mailText(mails[0]!.raw);
      // Both items are past the last e-mail stage (S3 at D+5; S6 sends no e-mail): both named with S3's title.
      expect(text).toContain(`${six.data.ar_no}`);
      expect(text).toContain(`${fifty.data.ar_no}`);
      expect(text.match(/\[对账确认函\]/g)).toHaveLength(2);
      expect(text).not.toContain('律师函');
      const sent = await ownerQuery<{ record_id: string; stage: string }>(
        server.databaseUrl, 'SELECT record_id::text, stage FROM reminders_sent WHERE record_id = ANY($1::uuid[]) ORDER BY stage', [[six.id, fifty.id]],
      );
      expect(sent.map((s) => s.stage)).toEqual(['S3', 'S3']);
      // The S3 task of an e-mail stage that is not automatic stays open for its owner; S6 has no e-mail but its task.
      expect((await tasksOf(fifty.id)).map((t) => [t.data.stage, t.data.status])).toEqual([['S6', 'open']]);
      expect((await tasksOf(six.id)).map((t) => [t.data.stage, t.data.status])).toEqual([['S3', 'open']]);
      // Re-running sends nothing new.
      const again = smtp.mails.length;
      await run(day(0));
      expect(smtp.mails.length).toBe(again);
    } finally {
      expect((await credit.call('PUT', '/api/reminders/settings', { body: defaults })).status).toBe(200);
    }
  });
});
