import { createHash } from 'node:crypto';
import { loadTemplate } from '@credo/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormsService } from '../../apps/api/src/modules/forms/forms.service.js';
import { TenantsService } from '../../apps/api/src/modules/tenants/tenants.service.js';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/** Attachments: uploaded for a form, sniffed, size-limited, stored per tenant, downloaded with read permission. */
let server: TestServer;
let tokens: Record<'admin' | 'staff' | 'viewer' | 'rival', string>;

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR-fake-image-bytes')]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n', 'latin1');

function upload(token: string, bytes: Buffer, query: string, type = 'application/octet-stream', language = 'zh-CN') {
  return fetch(`${server.baseUrl}/api/files?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type, 'accept-language': language },
    body: bytes,
  });
}

function download(token: string, id: string) {
  return fetch(`${server.baseUrl}/api/files/${id}`, { headers: { authorization: `Bearer ${token}` } });
}

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 3 });
  const app = server.server.app;
  await app.get(TenantsService).createTenant(
    { slug: 'rival', name: '竞争对手', users: [{ email: 'boss@rival.local', displayName: '对手老板', password: 'rival-pass-1', roles: ['admin'] }] },
    async (sql, tenantId, [bossId]) => {
      await app.get(FormsService).installOrThrow(sql, tenantId, loadTemplate('customer'), bossId!);
    },
  );
  tokens = {
    admin: await login(server.baseUrl, 'admin@demo.local'),
    staff: await login(server.baseUrl, 'staff@demo.local'),
    viewer: await login(server.baseUrl, 'viewer@demo.local'),
    rival: await login(server.baseUrl, 'boss@rival.local', 'rival-pass-1'),
  };
});
afterAll(() => server?.close());

describe('successful: files', () => {
  it('uploads a PDF, returns its metadata with the sha256, and gives the same bytes back as a download', async () => {
    const res = await upload(tokens.staff, PDF, `form=customer&name=${encodeURIComponent('营业执照 2026.pdf')}`, 'application/pdf');
    expect(res.status).toBe(201);
    const meta = (await res.json()) as { id: string; name: string; size: number; type: string; mime: string; sha256: string };
    expect(meta).toMatchObject({ name: '营业执照 2026.pdf', size: PDF.length, type: 'application/pdf', mime: 'application/pdf', sha256: createHash('sha256').update(PDF).digest('hex') });

    const got = await download(tokens.viewer, meta.id);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('营业执照 2026.pdf')}`);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await got.arrayBuffer()).equals(PDF)).toBe(true);

    // The bytes are stored under the uploader's tenant.
    const [row] = await ownerQuery<{ slug: string; size: number }>(server.databaseUrl, 'SELECT t.slug, f.size FROM files f JOIN tenants t ON t.id = f.tenant_id WHERE f.id = $1', [meta.id]);
    expect(row).toEqual({ slug: 'demo', size: PDF.length });
  });

  it('a record keeps the file’s metadata in an attachment field and shows it back', async () => {
    const created = await api(server.baseUrl, tokens.admin).post('/api/forms', {
      definition: {
        key: 'contract',
        title: '合同',
        fields: [
          { key: 'title', type: 'text', label: '合同名称', required: true },
          { key: 'scan', type: 'attachment', label: '扫描件', maxItems: 2 },
        ],
      },
    });
    expect(created.status, created.text).toBe(201);
    const published = await api(server.baseUrl, tokens.admin).post('/api/forms/contract/publish', {});
    expect(published.status, published.text).toBeLessThan(300);
    const file = (await (await upload(tokens.staff, PNG, 'form=contract&name=scan.png', 'image/png')).json()) as { id: string; name: string; size: number; mime: string };
    const record = await api(server.baseUrl, tokens.staff).post('/api/forms/contract/records', { data: { title: '采购合同', scan: [{ id: file.id, name: file.name, size: file.size, mime: file.mime }] } });
    expect(record.status, record.text).toBe(201);
    expect(record.body.data.scan).toEqual([{ id: file.id, name: 'scan.png', size: PNG.length, mime: 'image/png' }]);
    expect((await download(tokens.staff, file.id)).status).toBe(200);
  });
});

describe('failing: files', () => {
  it('refuses a body whose bytes are not the declared type, executables and HTML, and empty bodies (415/400), writing nothing', async () => {
    const before = await ownerQuery<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM files');
    const mismatch = await upload(tokens.staff, PDF, 'form=customer&name=photo.png', 'image/png', 'en');
    expect(mismatch.status).toBe(415);
    expect(await mismatch.json()).toMatchObject({ code: 'files.type_mismatch', detail: 'The file content is application/pdf, not the declared image/png' });
    const exe = await upload(tokens.staff, Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), 'form=customer&name=invoice.pdf', 'application/pdf');
    expect(exe.status).toBe(415);
    expect(((await exe.json()) as { code: string }).code).toBe('files.type_not_allowed');
    const html = await upload(tokens.staff, Buffer.from('<html><script>alert(1)</script>'), 'form=customer&name=a.txt', 'text/plain');
    expect(html.status).toBe(415);
    expect((await upload(tokens.staff, Buffer.alloc(0), 'form=customer&name=a.txt', 'text/plain')).status).toBe(400);
    expect((await upload(tokens.staff, PDF, 'form=customer&name=', 'application/pdf')).status).toBe(400);
    expect((await upload(tokens.staff, PDF, `form=customer&name=${encodeURIComponent('../etc/passwd')}`, 'application/pdf')).status).toBe(400);
    expect((await upload(tokens.staff, PDF, 'name=a.pdf', 'application/pdf')).status).toBe(400);
    expect((await upload(tokens.staff, PDF, 'form=nope&name=a.pdf', 'application/pdf')).status).toBe(404);
    const after = await ownerQuery<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM files');
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('refuses a file over 10 MB with 413 problem+json', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x61);
    const res = await upload(tokens.staff, big, 'form=customer&name=big.txt', 'text/plain');
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('a viewer cannot upload; a role that cannot read the form cannot download; another tenant cannot see the file', async () => {
    expect((await upload(tokens.viewer, PDF, 'form=customer&name=a.pdf', 'application/pdf')).status).toBe(403);
    const meta = (await (await upload(tokens.admin, PDF, 'form=receivable&name=r.pdf', 'application/pdf')).json()) as { id: string };
    expect((await download(tokens.viewer, meta.id)).status).toBe(200);
    expect((await api(server.baseUrl, tokens.admin).call('PUT', '/api/forms/receivable/permissions', { body: { roles: { viewer: { read: false } } } })).status).toBe(200);
    expect((await download(tokens.viewer, meta.id)).status).toBe(404);
    expect((await download(tokens.rival, meta.id)).status).toBe(404);
    expect((await download(tokens.admin, 'not-a-uuid')).status).toBe(404);
    expect((await download(tokens.admin, '0190d6f2-0000-7000-8000-000000000000')).status).toBe(404);
  });
});
