// T4 — Validation cost (PERFORMANCE.md §6.1), measured in-process on the built engine
// (libs/form-engine/dist, what the API runs).
// Candidate: CompiledForm.validateInput(record, 'zh-CN', { asOf }) — the call the record API makes
// per request (a clean valid record is accepted by the form's fail-fast ajv validator, which also
// applies the relative-date bounds and flags USCC values needing a warning; anything else is judged
// by the full allErrors validator with the sanitising copy).
// Baseline: JSON.parse of the same record's JSON text. Interleaved rounds (B C / C B) after a timed
// warm-up, medians of the per-record wall times (the process's CPU time of the same samples is
// reported too: details.cpuTime). Both sides work on a set of records small enough to stay in the
// CPU caches (250 customers: ~0.3 MB of text, about as much parsed), as a request's body is parsed
// and then validated while it is hot; each sample starts with one untimed pass (see sample()).
// Measured in a Node process of its own (see the target's run). Also checked: 0 compiles on the
// hot path — the compile entry points of the engine's two Ajv instances (full and fail-fast) and `new Function` (how ajv generates code) are
// counted while the same records are validated again, after a positive control proving the
// counters see a compile.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compileFormOrThrow, getAjv, getFastAjv } from '@credo/form-engine';
import { createRandom, generateDemoCustomers, generateValidationCorpus, loadTemplate, scaleReceivable } from '@credo/seeds';
import { cpuSnapshot, foreignCpuShare, settleBeforeTiming } from '../lib/noise.mjs';
import { median, round } from '../lib/stats.mjs';

const AS_OF = '2026-11-25';
const OWNER = '0f8fad5b-d9cb-469f-a165-70867728950e';

/**
 * Records per timed set, payloads of the mixed corpus (the hot-path compile check and its
 * diagnostic), rounds (each a baseline and a candidate sample), loop passes per sample, minimum
 * warm-up (ms). The timed set was 2,000 records until session 8: ~2.4 MB of parsed records and
 * 2.7 MB of text do not fit the caches, so both sides read from L3 or memory, the ratio moved with
 * whatever else ran on the machine (0.21-0.30 in one hour; under contention the validator, a chain
 * of dependent loads, slowed 2.2x and JSON.parse 1.75x), and JSON.parse paid cache misses on its
 * text that a request's parse does not (2,650-3,000 ns against 2,200-2,300 ns on a hot set).
 */
const SIZES = {
  full: { records: 250, corpus: 2000, rounds: 15, passes: 80, warmUpMs: 3000 },
  quick: { records: 250, corpus: 2000, rounds: 7, passes: 40, warmUpMs: 2500 },
  smoke: { records: 200, corpus: 200, rounds: 1, passes: 1, warmUpMs: 0 },
};

let sink = 0;

/** Microseconds of CPU this process has used (user + system). */
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/**
 * Nanoseconds per item of one sample: `passes` loops over `items`. Wall time (the figure judged);
 * the process's CPU time of the same sample goes to `cpu` (a diagnostic that leaves out the time
 * other processes held the core, which on a shared machine dominates wall-time noise).
 */
function sample(items, passes, fn, cpu) {
  // One untimed pass first, so the timed passes find the items in the CPU caches as a request's
  // validator finds the body it has just parsed. Without it, the first validator sample after a
  // JSON.parse sample re-reads the records the parse's allocations pushed out of the caches (with
  // the former 2,000-record set ~1 ms per sample: 1 pass +400 ns, 5 passes +100 ns, 20 passes
  // +40 ns per record; nothing in the samples after that), which only ever hits the validator: it
  // allocates nothing, so it never pushes the parse's texts out.
  for (let i = 0; i < items.length; i++) sink += fn(items[i]);
  const startCpu = cpuMicros();
  const start = performance.now();
  for (let p = 0; p < passes; p++) for (let i = 0; i < items.length; i++) sink += fn(items[i]);
  const wall = ((performance.now() - start) * 1e6) / (items.length * passes);
  cpu?.push(((cpuMicros() - startCpu) * 1e3) / (items.length * passes));
  return wall;
}

/**
 * Median ns per record for JSON.parse(text) and validate(object), interleaved.
 * @param {{ texts: string[], objects: unknown[] }} set
 * @param {(o: unknown) => number} validate
 */
function compare(set, validate, { rounds, passes, warmUpMs }) {
  const parse = (t) => (JSON.parse(t) === null ? 0 : 1);
  // Warm-up: let both loops reach optimised code before anything is recorded. By time, not by a
  // count: TurboFan compiles a form's validator (one large function) on a background thread, which
  // took 170–450 ms on a loaded 2-core machine, longer than three passes over the records; rounds
  // timed before it lands measure the unoptimised validator.
  const warmUntil = performance.now() + warmUpMs;
  do {
    sample(set.texts, 1, parse);
    sample(set.objects, 1, validate);
  } while (performance.now() < warmUntil);
  const baseline = [];
  const candidate = [];
  const baselineCpu = [];
  const candidateCpu = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      baseline.push(sample(set.texts, passes, parse, baselineCpu));
      candidate.push(sample(set.objects, passes, validate, candidateCpu));
    } else {
      candidate.push(sample(set.objects, passes, validate, candidateCpu));
      baseline.push(sample(set.texts, passes, parse, baselineCpu));
    }
  }
  return {
    baseline: median(baseline),
    candidate: median(candidate),
    baselineSamples: baseline,
    candidateSamples: candidate,
    cpu: { baseline: median(baselineCpu), candidate: median(candidateCpu) },
  };
}

/**
 * Counts compiles while `fn` runs: Ajv#compile / #_compileSchemaEnv on the engine's two instances
 * (getAjv: allErrors; getFastAjv: fail-fast), and `new Function(...)` anywhere (ajv's code generation).
 */
function countCompiles(fn) {
  const counts = { ajvCompile: 0, schemaEnvCompile: 0, newFunction: 0 };
  const restore = [];
  for (const ajv of [getAjv(), getFastAjv()]) {
    const saved = { compile: ajv.compile, _compileSchemaEnv: ajv._compileSchemaEnv };
    if (typeof saved._compileSchemaEnv !== 'function') throw new Error('ajv internals changed: Ajv#_compileSchemaEnv is gone; update the T4 compile counter');
    ajv.compile = function (...args) {
      counts.ajvCompile++;
      return saved.compile.apply(this, args);
    };
    ajv._compileSchemaEnv = function (...args) {
      counts.schemaEnvCompile++;
      return saved._compileSchemaEnv.apply(this, args);
    };
    restore.push(() => {
      ajv.compile = saved.compile;
      ajv._compileSchemaEnv = saved._compileSchemaEnv;
    });
  }
  const RealFunction = globalThis.Function;
  globalThis.Function = new Proxy(RealFunction, {
    construct(target, args, newTarget) {
      counts.newFunction++;
      return Reflect.construct(target, args, newTarget === globalThis.Function ? target : newTarget);
    },
    apply(target, thisArg, args) {
      counts.newFunction++;
      return Reflect.apply(target, thisArg, args);
    },
  });
  try {
    fn();
  } finally {
    globalThis.Function = RealFunction;
    for (const r of restore) r();
  }
  return { ...counts, total: counts.ajvCompile + counts.schemaEnvCompile + counts.newFunction };
}

/**
 * Receivables as a client submits them: the bench's data set (PERFORMANCE.md §6.2, the seeds' scale
 * generator) without the keys the server computes or assigns (auto-number, formulas). Each holds
 * three ids (customer, sales owner, collector), two dates compared with each other, fapiao code and
 * number, an amount and often a received amount compared with it.
 */
function receivablePayloads(definition, count) {
  const r = createRandom(41);
  const uuid = () => {
    const h = Array.from({ length: 32 }, () => '0123456789abcdef'[r.int(0, 15)]).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[r.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20)}`;
  };
  const users = Array.from({ length: 8 }, uuid);
  const customers = Array.from({ length: 50 }, () => ({ id: uuid(), salesOwner: r.pick(users), collector: r.pick(users), termDays: r.pick([30, 60, 90]), termBasis: r.pick(['月结', '开票日']) }));
  const computed = new Set(definition.fields.filter((f) => f.type === 'formula' || f.type === 'autonumber').map((f) => f.key));
  const options = { seed: 4, count, asOf: AS_OF, customers, salesOwnerIds: users };
  return Array.from({ length: count }, (_, i) => Object.fromEntries(Object.entries(scaleReceivable(options, i + 1)).filter(([k]) => !computed.has(k))));
}

const asSet = (texts) => ({ texts, objects: texts.map((t) => JSON.parse(t)) });
const roundRun = (xs) => xs.map((x) => round(x, 1));

/**
 * The measurement itself, run in a process of its own (see the target's run). `ctx` is the
 * child's: warnings and log lines are collected, and ratioResult returns its input.
 */
async function measure(ctx) {
  const size = SIZES[ctx.mode.name] ?? SIZES.quick;
  // Earlier targets leave the product and PostgreSQL busy for a while (autovacuum after their loads).
  // Waited for first: an idle second later on lets V8's memory reducer collect and deoptimise
  // code that embeds the mixed corpus's dead maps (slow first samples).
  const quiet = await settleBeforeTiming(ctx, 'T4');
  const definition = loadTemplate('customer');

  // Positive control: compiling a form is seen by the counters (and warms the shared instance).
  let form;
  const atCompile = countCompiles(() => {
    form = compileFormOrThrow(definition);
  });
  if (atCompile.ajvCompile < 1 || atCompile.newFunction < 1) {
    throw new Error(`the compile counters saw nothing while a form was compiled (${JSON.stringify(atCompile)})`);
  }

  const options = { asOf: AS_OF };
  const validate = (o) => (form.validateInput(o, 'zh-CN', options).valid ? 1 : 0);
  // Diagnostic: the full (allErrors) compiled validator alone, as used for invalid or unclean
  // payloads (Ajv caches it by schema object, so this does not recompile).
  const ajvValidate = getAjv().compile(form.schema);
  const validateAjvOnly = (o) => (ajvValidate(o) ? 1 : 0);

  // Mixed traffic: the validation corpus (about a quarter valid; garbage, unknown and prototype keys).
  const mixed = asSet(generateValidationCorpus({ seed: 4, count: size.corpus, asOf: AS_OF, salesOwnerIds: [OWNER] }).map((e) => e.json));
  // The valid records are parsed after the mixed corpus, as a request's body is parsed right before
  // it is validated. Parsed the other way round, the corpus's values (e.g. a fraction where the
  // records hold small integers) make V8 generalise the field representations of the maps the
  // records already have; their maps are deprecated, a for...in
  // over such an object takes V8's slow path, and the validator's for...in feedback turns generic
  // for good (every value then read by a megamorphic keyed load: measured ~0.34 -> ~0.28 of
  // JSON.parse in CPU time). No product path holds parsed payloads across other parses like that.
  const customers = generateDemoCustomers({ seed: 4, count: size.records, salesOwnerIds: [OWNER], asOf: AS_OF });
  const valid = asSet(customers.map((c) => JSON.stringify(c)));
  const bad = valid.objects.filter((o) => !form.validateInput(o, 'zh-CN', options).valid);
  if (bad.length) throw new Error(`${bad.length} generated customers do not pass the customer form: ${JSON.stringify(form.validateInput(bad[0], 'en', options).errors)}`);

  // The receivable form: the bench's own records (T1-T3 import them), with more work per byte than
  // a customer (three ids, cross-field comparisons) and shorter texts.
  const receivableForm = compileFormOrThrow(loadTemplate('receivable'));
  const validateReceivable = (o) => (receivableForm.validateInput(o, 'zh-CN', options).valid ? 1 : 0);
  const receivables = asSet(receivablePayloads(loadTemplate('receivable'), size.records).map((o) => JSON.stringify(o)));
  const badReceivables = receivables.objects.filter((o) => !receivableForm.validateInput(o, 'zh-CN', options).valid);
  if (badReceivables.length) {
    throw new Error(`${badReceivables.length} generated receivables do not pass the receivable form: ${JSON.stringify(receivableForm.validateInput(badReceivables[0], 'en', options).errors)}`);
  }

  const hotPath = countCompiles(() => {
    for (const o of valid.objects) form.validateInput(o, 'zh-CN', options);
    for (const o of receivables.objects) receivableForm.validateInput(o, 'zh-CN', options);
    // Each payload parsed right before it is judged, as a request's body is (see above: payloads
    // parsed earlier, then validated after others were parsed, can carry deprecated maps).
    for (const text of mixed.texts) {
      form.validateInput(JSON.parse(text), 'zh-CN', options);
      form.validateInput(JSON.parse(text), 'en', options);
    }
  });
  const validations = valid.objects.length + receivables.objects.length + 2 * mixed.objects.length;

  const before = await cpuSnapshot();
  const engine = compare(valid, validate, size);
  const receivable = compare(receivables, validateReceivable, size);
  const foreignCpu = foreignCpuShare(before, await cpuSnapshot());
  const ajvOnly = compare(valid, validateAjvOnly, size);
  // The corpus is larger than the timed set: as many validations per sample, not as many passes.
  const mixedRun = compare(mixed, validate, { ...size, passes: Math.max(1, Math.round((size.passes * size.records) / size.corpus)) });
  if (foreignCpu !== null && foreignCpu > 0.5) {
    ctx.warn(`T4: other processes used ${(foreignCpu * 100).toFixed(0)}% of the CPUs while timing; both sides share the core (interleaved), but the absolute figures are low`);
  }
  if (sink === 0) ctx.log('T4: sink is 0 (nothing validated?)');

  const perSecond = 1e9 / engine.candidate;
  if (ctx.mode.name !== 'smoke' && perSecond < 2e6) {
    ctx.warn(`T4: ${(perSecond / 1e6).toFixed(2)} M validations/s (valid customer records, validateInput) is under the 2 M/s per core sanity floor`);
  }
  const bytes = valid.texts.reduce((s, t) => s + Buffer.byteLength(t), 0) / valid.texts.length;
  const details = {
    records: valid.objects.length,
    meanRecordBytes: Math.round(bytes),
    fields: Object.keys(customers[0]).length,
    rounds: size.rounds,
    passes: size.passes,
    validationsPerSecond: Math.round(perSecond),
    foreignCpu: foreignCpu === null ? null : round(foreignCpu),
    quietWait: { ms: quiet.waitedMs, share: quiet.share === null ? null : round(quiet.share), quiet: quiet.quiet },
    // The same samples timed by the process's CPU time (user + system, GC helper threads included).
    cpuTime: { ns: round(engine.cpu.candidate, 1), jsonParseNs: round(engine.cpu.baseline, 1), ratio: round(engine.cpu.candidate / engine.cpu.baseline) },
    ajvOnly: { ns: round(ajvOnly.candidate, 1), jsonParseNs: round(ajvOnly.baseline, 1), ratio: round(ajvOnly.candidate / ajvOnly.baseline) },
    mixedCorpus: { ns: round(mixedRun.candidate, 1), jsonParseNs: round(mixedRun.baseline, 1), ratio: round(mixedRun.candidate / mixedRun.baseline) },
    baselineSamplesNs: roundRun(engine.baselineSamples),
    candidateSamplesNs: roundRun(engine.candidateSamples),
    receivable: {
      ns: round(receivable.candidate, 1),
      jsonParseNs: round(receivable.baseline, 1),
      ratio: round(receivable.candidate / receivable.baseline),
      meanRecordBytes: Math.round(receivables.texts.reduce((s, t) => s + Buffer.byteLength(t), 0) / receivables.texts.length),
    },
    compilesSeenAtFormCompile: atCompile,
    compilesOnHotPath: hotPath,
  };
  ctx.log(
    `T4: validateInput ${engine.candidate.toFixed(0)} ns vs JSON.parse ${engine.baseline.toFixed(0)} ns per record (${bytes.toFixed(0)} B); ` +
      `in CPU time ${engine.cpu.candidate.toFixed(0)} vs ${engine.cpu.baseline.toFixed(0)} ns (${(engine.cpu.candidate / engine.cpu.baseline).toFixed(3)}); ` +
      `receivables ${receivable.candidate.toFixed(0)} vs ${receivable.baseline.toFixed(0)} ns (${(receivable.candidate / receivable.baseline).toFixed(3)}); ` +
      `full allErrors ajv validator alone ${ajvOnly.candidate.toFixed(0)} ns; mixed corpus ${mixedRun.candidate.toFixed(0)} vs ${mixedRun.baseline.toFixed(0)} ns; ` +
      `compiles on the hot path ${hotPath.total} in ${validations} validations (form compile: ${JSON.stringify(atCompile)}); waited ${(quiet.waitedMs / 1000).toFixed(1)} s for a quiet machine`,
  );
  return [
    ctx.ratioResult({
      id: 'T4',
      metric: 'time',
      name: 'Validation per record (validateInput) vs JSON.parse',
      unit: 'ns',
      baseline: engine.baseline,
      candidate: engine.candidate,
      target: 0.25,
      comparator: '<=',
      details,
    }),
    ctx.ratioResult({
      id: 'T4',
      metric: 'time-receivable',
      name: 'Validation per receivable (validateInput) vs JSON.parse',
      unit: 'ns',
      baseline: receivable.baseline,
      candidate: receivable.candidate,
      target: 0.25,
      comparator: '<=',
      details: { ...details.receivable, records: receivables.objects.length, baselineSamplesNs: roundRun(receivable.baselineSamples), candidateSamplesNs: roundRun(receivable.candidateSamples) },
    }),
    ctx.ratioResult({
      id: 'T4',
      metric: 'compiles',
      name: 'Compiles per validation on the hot path',
      unit: 'count',
      baseline: validations,
      candidate: hotPath.total,
      target: 0,
      comparator: '<=',
      details: { validations, ...hotPath },
    }),
  ];
}

/** Runs measure() in a fresh Node process (this module as a script) and returns what it printed. */
function measureInChild(mode) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [fileURLToPath(import.meta.url), mode], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`T4's measuring process failed: ${error.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout));
      } catch (e) {
        reject(new Error(`T4's measuring process printed no result: ${e instanceof Error ? e.message : e}\n${stdout.slice(0, 2000)}`));
      }
    });
  });
}

/** @type {import('../lib/target.mjs').BenchTarget} */
export default {
  id: 'T4',
  name: 'Validation cost',
  async run(ctx) {
    // In a process of its own: after T1-T3 this one holds their data and JIT state, and there both
    // sides ran 1.7-2x slower than alone (session 8: 1,205 vs 4,163 ns, 0.29, with the machine
    // otherwise quiet) — a measure of the harness, not of validation.
    const out = await measureInChild(ctx.mode.name);
    for (const line of out.logs) ctx.log(line);
    for (const warning of out.warnings) ctx.warn(warning);
    return out.results.map((r) => ctx.ratioResult(r));
  },
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const logs = [];
  const warnings = [];
  const results = await measure({
    mode: { name: process.argv[2] ?? 'quick' },
    log: (...parts) => logs.push(parts.join(' ')),
    warn: (message) => warnings.push(message),
    ratioResult: (input) => input,
  });
  process.stdout.write(JSON.stringify({ results, logs, warnings }));
}
