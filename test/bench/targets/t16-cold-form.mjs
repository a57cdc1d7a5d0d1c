// T16 — Cold form (PERFORMANCE.md §6.1): the first record create after a form is published
// versus warm creates on the same form, against the product API.
// For each of several fresh forms (the customer template under a new key): POST /api/forms,
// POST /api/forms/:key/publish, then time the first POST /api/forms/:key/records (candidate) and
// then warm creates on the same form (baseline), one request at a time. Candidate: p95 of the
// first requests; baseline: p95 of all warm requests. One unmeasured form first warms the
// create/publish code paths, so the figure is a publish's cost, not the process's first form.
import { performance } from 'node:perf_hooks';
import { compileFormOrThrow, releaseCompiledForm } from '@credo/form-engine';
import { generateDemoCustomers, loadTemplate } from '@credo/seeds';
import { cpuSnapshot, foreignCpuShare } from '../lib/noise.mjs';
import { median, percentileSorted, round } from '../lib/stats.mjs';

/** Fresh forms measured, and warm creates per form. */
const SIZES = {
  full: { forms: 30, warm: 60 },
  // 20 first requests: the p95 of 12 was simply the slowest of them, which on a shared machine
  // said more about the neighbours than about the publish.
  quick: { forms: 20, warm: 30 },
  smoke: { forms: 2, warm: 5 },
};

const sorted = (xs) => [...xs].sort((a, b) => a - b);

/** @type {import('../lib/target.mjs').BenchTarget} */
export default {
  id: 'T16',
  name: 'Cold form',
  async run(ctx) {
    const size = SIZES[ctx.mode.name] ?? SIZES.quick;
    const product = await ctx.product();
    const token = await product.login();
    const me = await product.request('GET', '/api/auth/me', { token });
    const template = loadTemplate('customer');
    const records = generateDemoCustomers({ seed: 16, count: size.warm + 1, salesOwnerIds: [me.id], asOf: new Date().toISOString().slice(0, 10) });
    const run = Date.now().toString(36);

    /** One timed create; throws on anything but 201. */
    async function create(key, data) {
      const body = JSON.stringify({ data });
      const start = performance.now();
      let res;
      try {
        res = await fetch(`${product.baseUrl}/api/forms/${key}/records`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
      } catch (error) {
        // "fetch failed" alone says nothing: name the socket-level cause and show the API's last words.
        const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
        throw new Error(`POST /api/forms/${key}/records failed${cause}\n${product.app.tail()}`, { cause: error });
      }
      const text = await res.text();
      const ms = performance.now() - start;
      if (res.status !== 201) throw new Error(`POST /api/forms/${key}/records -> ${res.status}: ${text.slice(0, 1000)}`);
      return ms;
    }

    // Diagnostic twin: the same form without `unique` / `indexed` fields, so publish builds no
    // expression indexes and the first create's extra cost is (mostly) the engine's compile.
    const plain = { ...template, fields: template.fields.map(({ unique: _u, indexed: _i, ...f }) => f) };

    /** A fresh form: created, published, first create timed, then warm creates timed. */
    async function freshForm(i, base = template) {
      const key = `t16_${run}_${i}`;
      const definition = { ...base, key, title: { 'zh-CN': `冷启动${i}`, en: `Cold form ${i}` } };
      await product.request('POST', '/api/forms', { token, body: { definition }, expect: [201] });
      const publishStart = performance.now();
      await product.request('POST', `/api/forms/${key}/publish`, { token, body: {}, expect: [200] });
      const publishMs = performance.now() - publishStart;
      const first = await create(key, records[0]);
      const warm = [];
      for (let n = 1; n <= size.warm; n++) warm.push(await create(key, records[n]));
      return { key, publishMs, first, warm };
    }

    await freshForm('warmup');
    const forms = [];
    const plainForms = [];
    const before = await cpuSnapshot();
    for (let i = 0; i < size.forms; i++) {
      forms.push(await freshForm(i));
      plainForms.push(await freshForm(`plain_${i}`, plain));
    }
    const foreignCpu = foreignCpuShare(before, await cpuSnapshot());

    // What a compile of this definition costs in-process (the engine the API runs), for attribution.
    const compileMs = [];
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      const compiled = compileFormOrThrow({ ...template, key: `t16_compile_${i}` });
      compileMs.push(performance.now() - start);
      releaseCompiledForm(compiled);
    }
    const plainFirsts = sorted(plainForms.map((f) => f.first));
    const plainWarm = sorted(plainForms.flatMap((f) => f.warm));

    const firsts = sorted(forms.map((f) => f.first));
    const warmAll = sorted(forms.flatMap((f) => f.warm));
    const warmP95 = percentileSorted(warmAll, 95);
    const firstP95 = percentileSorted(firsts, 95);
    const details = {
      forms: forms.length,
      warmPerForm: size.warm,
      firstMs: forms.map((f) => round(f.first, 2)),
      first: { p50: round(median(firsts), 2), p95: round(firstP95, 2), max: round(firsts.at(-1), 2) },
      warm: { p50: round(percentileSorted(warmAll, 50), 2), p95: round(warmP95, 2), p99: round(percentileSorted(warmAll, 99), 2), n: warmAll.length },
      // Per form: first create over that form's own warm p95 (robust to drift across the run).
      perFormRatio: { median: round(median(forms.map((f) => f.first / percentileSorted(sorted(f.warm), 95)))) },
      publishMs: { p50: round(median(forms.map((f) => f.publishMs)), 1) },
      inProcessCompileMs: { p50: round(median(compileMs), 2) },
      withoutFieldIndexes: {
        first: { p50: round(median(plainFirsts), 2), p95: round(percentileSorted(plainFirsts, 95), 2) },
        warm: { p50: round(percentileSorted(plainWarm, 50), 2), p95: round(percentileSorted(plainWarm, 95), 2) },
        ratio: round(percentileSorted(plainFirsts, 95) / percentileSorted(plainWarm, 95)),
        publishMs: { p50: round(median(plainForms.map((f) => f.publishMs)), 1) },
      },
      foreignCpu: foreignCpu === null ? null : round(foreignCpu),
    };
    if (foreignCpu !== null && foreignCpu > 0.25) {
      ctx.warn(`T16: other processes used ${(foreignCpu * 100).toFixed(0)}% of the CPUs during the run; single requests at c=1 wait for a core, so both p95s (the first requests most: ${forms.length} samples) are noisy`);
    }
    ctx.log(
      `T16: first create after publish p50 ${details.first.p50} ms, p95 ${details.first.p95} ms (${forms.length} forms); ` +
        `warm p50 ${details.warm.p50} ms, p95 ${details.warm.p95} ms (${warmAll.length} creates); publish p50 ${details.publishMs.p50} ms; ` +
        `in-process compile of the definition p50 ${details.inProcessCompileMs.p50} ms; ` +
        `without field indexes: first p50 ${details.withoutFieldIndexes.first.p50} / p95 ${details.withoutFieldIndexes.first.p95} ms, ` +
        `warm p50 ${details.withoutFieldIndexes.warm.p50} / p95 ${details.withoutFieldIndexes.warm.p95} ms (ratio ${details.withoutFieldIndexes.ratio}); ` +
        `foreign CPU ${details.foreignCpu}`,
    );
    if (forms.length < 20 && ctx.mode.name !== 'smoke') {
      ctx.warn(`T16: the first-request p95 is over only ${forms.length} fresh forms (nearest rank: one of the slowest); the full run uses ${SIZES.full.forms}`);
    }
    return [
      ctx.ratioResult({
        id: 'T16',
        metric: 'p95',
        name: 'First create after a publish: p95 vs warm p95',
        unit: 'ms',
        baseline: warmP95,
        candidate: firstP95,
        target: 1.2,
        comparator: '<=',
        details,
      }),
    ];
  },
};
