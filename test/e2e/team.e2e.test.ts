// The Team view and "Connect to an existing vault" in Chromium, over `coffer ui` and the real engine, on a
// real S3 server (Ceph RGW) or a local folder when none is available. Two devices of one owner, each with
// its own state home and folder: device A is created through the host, device B joins in the browser's
// first-run wizard; then B's Team view lists both devices, invites a member, shows the join code, lists
// the member, removes them after the confirmation, and re-encrypts until "revocation complete: 100 %".
// Screenshots go to test-artifacts/screenshots/; team.png is copied to docs/screenshots/ for the README
// when COFFER_UPDATE_SCREENSHOTS=1.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVaultHost } from '../../src-main/engine/use-cases/vault-host.ts';
import type { CreateVaultRequest, VaultHost } from '../../src-main/engine/ports/vault-service.ts';
import { startUiServer, type UiServer } from '../../src-main/ui-server/server.ts';
import { makeTestBucket, s3SkipReason, s3TestConfig } from '../support/s3-env.ts';
import { browserSkipReason, launchChromium, until } from './browser.ts';
import { buildRenderer } from './renderer-build.ts';

const SHOTS = path.resolve('test-artifacts', 'screenshots');
const DOC_SHOTS = path.resolve('docs', 'screenshots');
const PASSPHRASE = 'correct horse battery staple';
const skip = browserSkipReason();

describe.skipIf(skip !== null)(`Team view and joining in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let scratch: string;
  let hostA: VaultHost;
  let hostB: VaultHost;
  let server: UiServer;
  let browser: Browser;
  let page: Page;
  let folderB: string;
  let where: Pick<CreateVaultRequest, 'remote' | 'endpoint' | 'allowHttp'>;
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);
  const member = (name: string) => page.locator(`[data-testid="member-row"][data-member="${name}"]`);
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'coffer-e2e-team-'));
    const folderA = path.join(scratch, 'laptop', 'Documents');
    folderB = path.join(scratch, 'desk', 'Documents');
    await mkdir(path.join(folderA, 'letters'), { recursive: true });
    await mkdir(folderB, { recursive: true });
    await writeFile(path.join(folderA, 'letters', 'hello.txt'), 'hello from the laptop\n');
    await writeFile(path.join(folderA, 'plan.md'), '# plan\n');
    await mkdir(SHOTS, { recursive: true });
    const staticDir = buildRenderer(path.join(scratch, 'renderer'));

    const s3 = s3TestConfig();
    if (s3) {
      process.env.AWS_ACCESS_KEY_ID = s3.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey;
      process.env.AWS_REGION = 'us-east-1';
      where = { remote: `s3://${await makeTestBucket()}/team`, endpoint: s3.endpoint, allowHttp: true };
    } else {
      console.warn(`e2e: no S3 server (${s3SkipReason()}); using a local folder destination`);
      const remote = path.join(scratch, 'remote');
      await mkdir(remote);
      where = { remote: `file://${remote}` };
    }
    hostA = await openVaultHost({ stateDir: path.join(scratch, 'state-laptop'), passphrase: async () => PASSPHRASE });
    const { service } = await hostA.createVault({ folder: folderA, ...where, keyRef: 'passphrase', passphrase: PASSPHRASE });
    await until('the laptop to store its files', async () => (await service.status()).files >= 2, 60_000);

    hostB = await openVaultHost({ stateDir: path.join(scratch, 'state-desk'), passphrase: async () => PASSPHRASE });
    server = await startUiServer({ host: hostB, staticDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await hostB?.close();
    await hostA?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }, 60_000);

  it('a second computer connects to the vault from the first-run wizard', async () => {
    await page.goto(server.url);
    await tid('view-first-run').waitFor();
    await tid('mode-join').check();
    await tid('wizard-folder').fill(folderB);
    await tid('wizard-next').click();
    if (where.remote.startsWith('s3://')) {
      const [bucket, prefix] = where.remote.slice('s3://'.length).split('/');
      await tid('dest-s3').check();
      await tid('wizard-bucket').fill(bucket!);
      await tid('wizard-prefix').fill(prefix!);
      await tid('wizard-endpoint').fill(where.endpoint!);
    } else {
      await tid('dest-local').check();
      await tid('wizard-local-path').fill(where.remote.slice('file://'.length));
    }
    await tid('wizard-next').click();
    await tid('join-key').selectOption('passphrase');
    await tid('join-passphrase').fill(PASSPHRASE);
    await tid('join-device-name').fill('desk');
    await shot('first-run-join');
    await tid('wizard-join').click();
    await page.locator('[data-testid="join-done"], [data-testid="wizard-error"]').first().waitFor({ timeout: 90_000 });
    if (await tid('wizard-error').count()) throw new Error(`joinVault failed: ${await tid('wizard-error').textContent()}`);
    expect(await tid('join-pulled').textContent()).toMatch(/^2 files were downloaded/);
    await tid('wizard-finish-join').click();
    await tid('view-dashboard').waitFor();
    expect(hostB.service()).not.toBeNull();
  }, 150_000);

  it('the Team view lists both devices, this one by the name it was given', async () => {
    await tid('nav-team').click();
    await tid('view-team').waitFor();
    await tid('devices').waitFor();
    await until('both devices listed', async () => (await tid('device-row').count()) === 2, 30_000);
    const desk = page.locator('[data-testid="device-row"][data-device="desk"]');
    expect(await desk.textContent()).toContain('(this device)');
    expect(await tid('revocation-complete').textContent()).toMatch(/^revocation complete: \d+ %$/);
  }, 60_000);

  it('invites a member: the join code is shown with Copy, and the member is listed', async () => {
    await tid('invite-open').click();
    await tid('invite-name').fill('Bea');
    await tid('invite-role').selectOption('writer');
    await tid('invite-send').click();
    await page.locator('[data-testid="join-code"], [data-testid="invite-error"]').first().waitFor({ timeout: 60_000 });
    if (await tid('invite-error').count()) throw new Error(`invite failed: ${await tid('invite-error').textContent()}`);
    expect(await tid('join-code').textContent()).toMatch(/^coffer-join1:[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    await tid('copy-code').click();
    await tid('copy-message').waitFor();
    await shot('team-invite');
    await tid('invite-done').click();
    await until('Bea listed as invited', async () => (await member('Bea').getAttribute('data-status', { timeout: 1000 })) === 'invited', 30_000);
    expect(await page.locator('[data-testid="join-code"]').count()).toBe(0);
    const team = await hostB.service()!.team();
    expect(team.members.map((m) => m.name)).toContain('Bea');
    await shot('team');
    if (process.env.COFFER_UPDATE_SCREENSHOTS === '1') {
      await mkdir(DOC_SHOTS, { recursive: true });
      await copyFile(path.join(SHOTS, 'team.png'), path.join(DOC_SHOTS, 'team.png'));
    }
  }, 90_000);

  it('removes the member after a confirmation that says what revocation cannot do, then re-encrypts', async () => {
    const before = (await hostB.service()!.team()).generation;
    await member('Bea').locator('[data-testid="remove-member"]').click();
    expect(await tid('removal-text').textContent()).toContain('Bea keeps every file already downloaded or synced before now');
    await shot('team-remove');
    await tid('removal-confirm').click();
    await until('Bea shown as removed', async () => (await member('Bea').getAttribute('data-status', { timeout: 1000 })) === 'removed', 60_000);
    expect(await tid('team-notice').textContent()).toContain(`key generation ${before + 1}`);
    expect((await hostB.service()!.team()).generation).toBe(before + 1);
    const reencrypt = tid('reencrypt');
    if ((await reencrypt.count()) > 0) await reencrypt.click();
    await until('revocation complete: 100 %', async () => (await tid('revocation-complete').textContent()) === 'revocation complete: 100 %', 120_000);
    await shot('team-reencrypted');
  }, 180_000);
});
