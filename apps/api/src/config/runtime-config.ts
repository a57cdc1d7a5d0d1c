import type { AppConfig } from './app-config.js';

/** Config after boot resolved the database and secrets; injected everywhere as RUNTIME_CONFIG. */
export interface RuntimeConfig extends AppConfig {
  resolvedAppDatabaseUrl: string;
  resolvedJwtSecret: string;
  /** Owner connection: migrations and index builds (CREATE INDEX needs the table owner). */
  resolvedOwnerDatabaseUrl: string;
}

export const RUNTIME_CONFIG = Symbol('RUNTIME_CONFIG');
