import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';

/** Every setting the API reads from its environment; validated once at boot (README lists them). */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Owner connection (runs migrations). Unset: an embedded PostgreSQL under dataDir/pg. */
  databaseUrl?: string;
  /** Runtime connection as a non-owner role, so row-level security applies. Unset: derived. */
  appDatabaseUrl?: string;
  demoSeed: boolean;
  demoPassword: string;
  demoCustomers: number;
  jwtSecret?: string;
  jwtTtl: string;
  bodyLimit: string;
  logLevel: string;
  webDist: string;
  timezone: string;
  /** Port of the embedded PostgreSQL; unset: a free port each start. */
  embeddedPgPort?: number;
  /** Run the pg-boss queue and its schedules in this process. */
  jobs: boolean;
  /** Where reminder e-mails go out (smtp://user:pass@host:port); unset: none are sent. */
  smtpUrl?: string;
  mailFrom: string;
  /** First webhook retry delay; later ones are 6×, 30×, 180×, 720× it (10 s … 2 h by default). */
  webhookRetryBaseMs: number;
  /** How long a webhook receiver may take to answer before the attempt counts as failed. */
  webhookTimeoutMs: number;
  /** Key that encrypts webhook signing secrets at rest; unset: derived from the JWT secret. */
  webhookSecretKey?: string;
  /**
   * Let webhooks target loopback, private (RFC 1918), link-local, unique-local, CGNAT and other
   * non-public addresses. Off by default (SSRF guard); on for a receiver on this machine or LAN.
   */
  webhookAllowPrivateNetworks: boolean;
}

const envSchema = {
  type: 'object',
  properties: {
    PORT: { type: 'string', pattern: '^[0-9]{1,5}$' },
    HOST: { type: 'string', minLength: 1 },
    DATA_DIR: { type: 'string', minLength: 1 },
    DATABASE_URL: { type: 'string', pattern: '^postgres(ql)?://' },
    APP_DATABASE_URL: { type: 'string', pattern: '^postgres(ql)?://' },
    DEMO_SEED: { enum: ['true', 'false', '1', '0'] },
    DEMO_PASSWORD: { type: 'string', minLength: 6 },
    DEMO_CUSTOMERS: { type: 'string', pattern: '^[0-9]{1,7}$' },
    JWT_SECRET: { type: 'string', minLength: 32 },
    JWT_TTL: { type: 'string', pattern: '^[0-9]+[smhd]?$' },
    BODY_LIMIT: { type: 'string', pattern: '^[0-9]+(b|kb|mb|gb)?$' },
    LOG_LEVEL: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    WEB_DIST: { type: 'string', minLength: 1 },
    TZ_BUSINESS: { type: 'string', minLength: 1 },
    PGPORT: { type: 'string', pattern: '^[0-9]{1,5}$' },
    JOBS: { enum: ['true', 'false', '1', '0'] },
    SMTP_URL: { type: 'string', pattern: '^smtps?://' },
    MAIL_FROM: { type: 'string', minLength: 3 },
    WEBHOOK_RETRY_BASE_MS: { type: 'string', pattern: '^[0-9]{1,9}$' },
    WEBHOOK_TIMEOUT_MS: { type: 'string', pattern: '^[0-9]{1,7}$' },
    WEBHOOK_SECRET_KEY: { type: 'string', minLength: 32 },
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: { enum: ['true', 'false', '1', '0'] },
  },
} as const;

export class ConfigError extends Error {}

const here = path.dirname(fileURLToPath(import.meta.url));
/** apps/api/{src,dist}/config -> repository root */
export const repoRoot = path.resolve(here, '../../../..');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const relevant = Object.fromEntries(
    Object.keys(envSchema.properties)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile(envSchema);
  if (!validate(relevant)) {
    const lines = (validate.errors ?? []).map((e) => `${e.instancePath.slice(1) || '(env)'} ${e.message}`);
    throw new ConfigError(`Invalid environment:\n  ${lines.join('\n  ')}`);
  }
  const get = (key: keyof typeof envSchema.properties) => relevant[key] as string | undefined;
  return {
    port: Number(get('PORT') ?? 3000),
    host: get('HOST') ?? '0.0.0.0',
    dataDir: path.resolve(get('DATA_DIR') ?? path.join(repoRoot, 'data')),
    databaseUrl: get('DATABASE_URL'),
    appDatabaseUrl: get('APP_DATABASE_URL'),
    demoSeed: !['false', '0'].includes(get('DEMO_SEED') ?? 'true'),
    demoPassword: get('DEMO_PASSWORD') ?? 'demo1234',
    demoCustomers: Number(get('DEMO_CUSTOMERS') ?? 500),
    jwtSecret: get('JWT_SECRET'),
    jwtTtl: get('JWT_TTL') ?? '12h',
    bodyLimit: get('BODY_LIMIT') ?? '10mb',
    logLevel: get('LOG_LEVEL') ?? 'info',
    webDist: path.resolve(get('WEB_DIST') ?? path.join(repoRoot, 'apps/web/dist')),
    timezone: get('TZ_BUSINESS') ?? 'Asia/Shanghai',
    embeddedPgPort: get('PGPORT') ? Number(get('PGPORT')) : undefined,
    jobs: !['false', '0'].includes(get('JOBS') ?? 'true'),
    smtpUrl: get('SMTP_URL'),
    mailFrom: get('MAIL_FROM') ?? 'Credo <no-reply@credo.local>',
    webhookRetryBaseMs: Number(get('WEBHOOK_RETRY_BASE_MS') ?? 10_000),
    webhookTimeoutMs: Number(get('WEBHOOK_TIMEOUT_MS') ?? 10_000),
    webhookSecretKey: get('WEBHOOK_SECRET_KEY'),
    webhookAllowPrivateNetworks: ['true', '1'].includes(get('WEBHOOK_ALLOW_PRIVATE_NETWORKS') ?? 'false'),
  };
}

/** Secrets generated once and kept in DATA_DIR, so restarts keep tokens and passwords valid. */
export interface LocalSecrets {
  postgresPassword: string;
  appRolePassword: string;
  jwtSecret: string;
}

export async function loadOrCreateSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = path.join(dataDir, 'secrets.json');
  await mkdir(dataDir, { recursive: true });
  if (existsSync(file)) {
    return JSON.parse(await readFile(file, 'utf8')) as LocalSecrets;
  }
  const secrets: LocalSecrets = {
    postgresPassword: randomBytes(18).toString('base64url'),
    appRolePassword: randomBytes(18).toString('base64url'),
    jwtSecret: randomBytes(48).toString('base64url'),
  };
  await writeFile(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return secrets;
}
