import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, repoRoot } from './app-config.js';

describe('loadConfig', () => {
  it('has working defaults for npm start', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      dataDir: path.join(repoRoot, 'data'),
      demoSeed: true,
      demoPassword: 'demo1234',
      demoCustomers: 500,
      bodyLimit: '10mb',
      jwtTtl: '12h',
      timezone: 'Asia/Shanghai',
    });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      DATA_DIR: '/tmp/x',
      DATABASE_URL: 'postgres://a:b@h/db',
      DEMO_SEED: 'false',
      DEMO_PASSWORD: 'secret99',
      JWT_SECRET: 'x'.repeat(32),
      BODY_LIMIT: '1mb',
      PGPORT: '5555',
    });
    expect(config).toMatchObject({
      port: 8080,
      dataDir: '/tmp/x',
      databaseUrl: 'postgres://a:b@h/db',
      demoSeed: false,
      demoPassword: 'secret99',
      bodyLimit: '1mb',
      embeddedPgPort: 5555,
    });
  });

  it('keeps webhooks off private networks unless WEBHOOK_ALLOW_PRIVATE_NETWORKS says otherwise', () => {
    expect(loadConfig({}).webhookAllowPrivateNetworks).toBe(false);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }).webhookAllowPrivateNetworks).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: '1' }).webhookAllowPrivateNetworks).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' }).webhookAllowPrivateNetworks).toBe(false);
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE_NETWORKS/);
  });

  it('refuses bad values, naming them all', () => {
    expect(() => loadConfig({ PORT: 'eighty', JWT_SECRET: 'short', DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', JWT_SECRET: 'short', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT[\s\S]*DATABASE_URL[\s\S]*JWT_SECRET|PORT/);
      expect((error as Error).message).toContain('JWT_SECRET');
      expect((error as Error).message).toContain('DATABASE_URL');
    }
  });
});
