import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Issue 7 budget: the JS a browser must fetch before the login page can render. */
const BUDGET_BYTES = 350 * 1024;
const DIST = fileURLToPath(new URL('../../apps/web/dist/', import.meta.url));
const LOGIN_VIEW = 'src/views/auth/login/index.vue';

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
type Manifest = Record<string, ManifestChunk>;

/** A chunk plus everything it imports statically (what the browser loads with it). */
function withStaticImports(manifest: Manifest, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  const chunk = manifest[key];
  if (!chunk) throw new Error(`manifest has no chunk ${key}`);
  seen.add(key);
  for (const dep of chunk.imports ?? []) withStaticImports(manifest, dep, seen);
  return seen;
}

describe('web bundle budget', () => {
  it('keeps the login page’s initial JS within 350 KB gzip', () => {
    const manifestPath = `${DIST}.vite/manifest.json`;
    if (!existsSync(manifestPath)) throw new Error('apps/web/dist/.vite/manifest.json is missing: run `npm run build -w @credo/web` first');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;

    const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry && (k === 'index.html' || manifest[k]!.src === 'index.html'));
    expect(entryKey, 'index.html entry in the manifest').toBeDefined();
    const keys = withStaticImports(manifest, entryKey!);
    // The login route is lazy: its chunk (and what it imports) is part of the first paint of /login.
    const loginKey = Object.keys(manifest).find((k) => k === LOGIN_VIEW || manifest[k]!.src === LOGIN_VIEW);
    if (loginKey) withStaticImports(manifest, loginKey, keys);

    const files = [...new Set([...keys].map((k) => manifest[k]!.file))].filter((f) => f.endsWith('.js'));
    const sizes = files.map((file) => {
      const raw = readFileSync(`${DIST}${file}`);
      return { file, raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
    });
    const total = sizes.reduce((sum, s) => sum + s.gzip, 0);
    const rawTotal = sizes.reduce((sum, s) => sum + s.raw, 0);

    console.log(
      `login page initial JS: ${(total / 1024).toFixed(1)} KB gzip (${(rawTotal / 1024).toFixed(1)} KB raw) in ${files.length} files, budget ${BUDGET_BYTES / 1024} KB\n` +
        sizes
          .sort((a, b) => b.gzip - a.gzip)
          .map((s) => `  ${(s.gzip / 1024).toFixed(1).padStart(7)} KB  ${s.file}`)
          .join('\n'),
    );
    expect(loginKey, 'login view chunk in the manifest').toBeDefined();
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
