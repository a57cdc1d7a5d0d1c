import type { FormDefinition } from '../types.js';
import { compileFormOrThrow, releaseCompiledForm } from './compile-form.js';
import type { CompiledForm } from './compiled-form.js';

/**
 * Compiled forms by form-version id: a published version is immutable, so it is compiled once and
 * reused; least-recently-used entries are dropped beyond `maxEntries`.
 */
export class CompiledFormCache {
  private readonly entries = new Map<string, CompiledForm>();

  constructor(private readonly maxEntries = 1000) {}

  getOrCompile(versionId: string, def: FormDefinition): CompiledForm {
    const hit = this.entries.get(versionId);
    if (hit) {
      this.entries.delete(versionId);
      this.entries.set(versionId, hit);
      return hit;
    }
    const compiled = compileFormOrThrow(def);
    this.entries.set(versionId, compiled);
    this.evict();
    return compiled;
  }

  /**
   * Stores a form already compiled (e.g. by the publish that checked it) under its version id,
   * so the version's first request finds it and nothing compiles it a second time. A different
   * form cached under the same id is released.
   */
  set(versionId: string, compiled: CompiledForm): void {
    const old = this.entries.get(versionId);
    if (old && old !== compiled) releaseCompiledForm(old);
    this.entries.delete(versionId);
    this.entries.set(versionId, compiled);
    this.evict();
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      const evicted = this.entries.get(oldest)!;
      this.entries.delete(oldest);
      releaseCompiledForm(evicted);
    }
  }

  get(versionId: string): CompiledForm | undefined {
    return this.entries.get(versionId);
  }

  has(versionId: string): boolean {
    return this.entries.has(versionId);
  }

  delete(versionId: string): boolean {
    const hit = this.entries.get(versionId);
    if (hit) releaseCompiledForm(hit);
    return this.entries.delete(versionId);
  }

  clear(): void {
    for (const f of this.entries.values()) releaseCompiledForm(f);
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
