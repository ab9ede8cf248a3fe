// Static check of the packaging config: schema-valid for the installed electron-builder, fuses set,
// asar on, the four targets, icons present.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
// electron-builder's own loader and schema validator (app-builder-lib ships with electron-builder).
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(dir: string, file: string, extra: null): Promise<Record<string, unknown>>;
  validateConfiguration(cfg: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (enabled: boolean) => unknown };

type Cfg = {
  appId: string; productName: string; asar: boolean; files: (string | { filter: string[] })[]; icon: string;
  electronFuses: Record<string, boolean>;
  linux: { target: string[] }; mac: { target: string[] }; win: { target: string[] };
  publish?: { provider: string; owner?: string; repo?: string }[];
};

async function load(): Promise<Cfg> {
  const cfg = await getConfig(process.cwd(), 'electron-builder.yml', null);
  await validateConfiguration(cfg, new DebugLogger(false));
  return cfg as unknown as Cfg;
}

describe('electron-builder.yml', () => {
  let cfg: Cfg;
  beforeAll(async () => {
    cfg = await load();
  });

  it('passes electron-builder\'s schema and sets every hardening fuse', () => {
    expect(cfg.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(cfg.asar).toBe(true);
  });

  it('builds Coffer for AppImage, deb, dmg and nsis from the compiled app and renderer', () => {
    expect(cfg.productName).toBe('Coffer');
    expect(cfg.appId).toMatch(/^[a-z0-9.-]+$/);
    expect(cfg.linux.target).toEqual(['AppImage', 'deb']);
    expect(cfg.mac.target).toEqual(['dmg']);
    expect(cfg.win.target).toEqual(['nsis']);
    const files = cfg.files.flatMap((f) => (typeof f === 'string' ? [f] : f.filter));
    expect(files).toEqual(expect.arrayContaining(['dist/src-main/**/*', 'dist-renderer/**/*', 'package.json']));
    expect(existsSync(cfg.icon)).toBe(true);
  });

  it('publishes releases and their update feed to the project\'s GitHub releases (README "Updates")', () => {
    expect(cfg.publish).toEqual([expect.objectContaining({ provider: 'github', owner: 'coffer-vault', repo: 'coffer' })]);
  });
});
