// Child processes and cleanup. Everything the harness starts is registered here, so a normal end,
// an error, Ctrl-C or SIGTERM all stop the apps and PostgreSQL and leave no strays behind.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
/** @type {Array<() => Promise<void> | void>} LIFO cleanup steps (e.g. stopping PostgreSQL). */
const cleanups = [];
let cleaning;

export function log(...parts) {
  process.stderr.write(`[bench] ${parts.join(' ')}\n`);
}

/** Registers a step for `cleanup()`; steps run last-in first-out. */
export function onCleanup(step) {
  cleanups.push(step);
}

/** Stops children (SIGTERM, then SIGKILL after a grace period) and runs the cleanup steps once. */
export function cleanup() {
  cleaning ??= (async () => {
    await Promise.all([...children].map((child) => stopChild(child)));
    while (cleanups.length) {
      const step = cleanups.pop();
      try {
        await step();
      } catch (error) {
        log(`cleanup step failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return cleaning;
}

/** Installs SIGINT/SIGTERM handlers and a last-resort SIGKILL of children on exit. */
export function installSignalHandlers() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  process.once('exit', () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
}

/**
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} [graceMs]
 */
export async function stopChild(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

/**
 * Runs a command to completion, its output going to stderr (stdout is kept for the results table).
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 */
export async function runCommand(command, args, options = {}) {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 2, 2] });
  children.add(child);
  const [code, signal] = await once(child, 'exit');
  children.delete(child);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`);
}

/**
 * A long-running child (an app under test). Its output goes to `logFile`, and to stderr with
 * `echo`; `waitForLine` resolves on the first stdout/stderr line matching a pattern.
 * @param {{ name: string, command: string, args: string[], cwd?: string, env: NodeJS.ProcessEnv, logFile: string, echo?: boolean }} spec
 */
export function startChild(spec) {
  const logStream = createWriteStream(spec.logFile, { flags: 'a' });
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  /** @type {Array<{ re: RegExp, resolve: (m: RegExpMatchArray) => void }>} */
  let waiters = [];
  const tail = [];
  let exitInfo;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = signal ?? `exit ${code}`;
      children.delete(child);
      resolve(exitInfo);
    });
  });
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk) => {
      logStream.write(chunk);
      if (spec.echo) process.stderr.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        waiters = waiters.filter((w) => {
          const m = line.match(w.re);
          if (m) w.resolve(m);
          return !m;
        });
      }
    });
  }
  return {
    name: spec.name,
    child,
    logFile: spec.logFile,
    /** The last lines of output, for error messages. */
    tail: () => tail.join('\n'),
    exited,
    /** @param {RegExp} re @param {number} timeoutMs */
    waitForLine(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${spec.name}: no line matching ${re} within ${timeoutMs} ms\n${tail.join('\n')}`)), timeoutMs);
        waiters.push({
          re,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
        void exited.then((info) => {
          clearTimeout(timer);
          reject(new Error(`${spec.name} exited (${info}) before printing ${re}; see ${spec.logFile}\n${tail.join('\n')}`));
        });
      });
    },
    async stop() {
      await stopChild(child);
      logStream.end();
    },
  };
}
