import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';
import * as engine from '@credo/form-engine';
import { launchBrowser } from '../support/browser.js';
import { parityCorpus, parityForms } from './parity/corpus.js';
import { runCorpus } from './parity/run-corpus.js';
import type { ParityInput, ParityOutput } from './parity/run-corpus.js';

/*
 * Issue 4, parity: the same generated payloads (valid and invalid, with the DOMAIN examples) go
 * through the engine in Node (from source, as the API runs it) and through the engine's production
 * browser bundle in real Chromium; every result (valid, errors with their messages in zh-CN and
 * en, warnings, complete() and validateRecord() of completed records) must be identical.
 */

const ENGINE_SRC = fileURLToPath(new URL('../../libs/form-engine/src/index.ts', import.meta.url));
const HARNESS_SRC = fileURLToPath(new URL('./parity/run-corpus.ts', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../output/parity/', import.meta.url));
const AS_OF = '2026-11-25';
const MIN_PAYLOADS = 1000;

const input: ParityInput = {
  forms: parityForms(),
  entries: parityCorpus({ seed: 20261125, asOf: AS_OF, customers: 1000, others: 300 }),
  asOf: AS_OF,
  locales: ['zh-CN', 'en'],
};

const PAGE = `<!doctype html><meta charset="utf-8"><title>parity</title>
<script type="module">
  import * as engine from './form-engine.js';
  import { runCorpus } from './run-corpus.js';
  window.parity = { engine, runCorpus };
</script>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.html': 'text/html; charset=utf-8' };

/** Serves the bundle from OUT_DIR, the page and the corpus; nothing else (no directory escapes). */
function serve(): Promise<{ url: string; close: () => Promise<void> }> {
  const corpus = JSON.stringify(input);
  const server = createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, type: string, body: string | Buffer) => res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    if (name === '/') return send(200, TYPES['.html']!, PAGE);
    if (name === '/corpus.json') return send(200, TYPES['.json']!, corpus);
    const file = path.join(OUT_DIR, path.normalize(name));
    if (!file.startsWith(OUT_DIR)) return send(404, 'text/plain', 'not found');
    readFile(file).then(
      (body) => send(200, TYPES[path.extname(file)] ?? 'application/octet-stream', body),
      () => send(404, 'text/plain', 'not found'),
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

describe('form-engine parity: Node and the browser bundle in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: Awaited<ReturnType<typeof serve>>;
  let node: ParityOutput;
  let chromium: ParityOutput;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // The engine as the web app ships it: Vite production build of the source (library mode, ES).
    await build({
      configFile: false,
      logLevel: 'warn',
      mode: 'production',
      define: { 'process.env.NODE_ENV': '"production"' },
      build: {
        outDir: OUT_DIR,
        emptyOutDir: true,
        minify: true,
        lib: { entry: { 'form-engine': ENGINE_SRC, 'run-corpus': HARNESS_SRC }, formats: ['es'] },
      },
    });
    server = await serve();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => 'parity' in window, undefined, { timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(`runs ${input.entries.length} payloads in Node`, () => {
    expect(input.entries.length).toBeGreaterThanOrEqual(MIN_PAYLOADS);
    node = runCorpus(engine, input);
    expect(node.results).toHaveLength(input.entries.length);
    // Both kinds, in quantity: a corpus of only errors (or only successes) proves little.
    expect(node.valid).toBeGreaterThan(200);
    expect(node.invalid).toBeGreaterThan(500);
    expect(node.results.some((r) => r.includes('"thrown"'))).toBe(false);
  });

  it('runs the same payloads in Chromium on the built bundle', async () => {
    chromium = await page.evaluate(async () => {
      const w = window as unknown as { parity: { engine: unknown; runCorpus: (engine: unknown, input: unknown) => unknown } };
      const corpus: unknown = await (await fetch('/corpus.json')).json();
      return w.parity.runCorpus(w.parity.engine, corpus);
    }) as ParityOutput;
    expect(pageErrors).toEqual([]);
    expect(chromium.results).toHaveLength(input.entries.length);
    const perForm = new Map<string, { valid: number; invalid: number }>();
    input.entries.forEach((entry, i) => {
      const counts = perForm.get(entry.form) ?? { valid: 0, invalid: 0 };
      if (chromium.results[i]!.includes('"complete"')) counts.valid++;
      else counts.invalid++;
      perForm.set(entry.form, counts);
    });
    console.log(
      `parity corpus: ${input.entries.length} payloads × ${input.locales.length} locales ` +
        `(${chromium.valid} valid with complete() + validateRecord(), ${chromium.invalid} invalid; ` +
        `${[...perForm].map(([form, c]) => `${form} ${c.valid}/${c.invalid}`).join(', ')}); ` +
        `engine time Node ${node.engineMs.toFixed(0)} ms, Chromium ${browser.version()} ${chromium.engineMs.toFixed(0)} ms`,
    );
  });

  it('gives identical results and messages for every payload', () => {
    const differing = input.entries.flatMap((entry, i) => (node.results[i] === chromium.results[i] ? [] : [{ i, form: entry.form, payload: entry.json.slice(0, 300) }]));
    if (differing.length) {
      const { i } = differing[0]!;
      // The first difference, as a readable diff.
      expect({ payload: input.entries[i]!.json.slice(0, 500), result: JSON.parse(chromium.results[i]!) as unknown }).toEqual({
        payload: input.entries[i]!.json.slice(0, 500),
        result: JSON.parse(node.results[i]!) as unknown,
      });
    }
    expect(differing).toEqual([]);
    expect(chromium.valid).toBe(node.valid);
    expect(chromium.invalid).toBe(node.invalid);
  });
});
