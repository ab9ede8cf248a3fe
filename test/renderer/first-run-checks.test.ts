// The wizard asks the engine at each step: the folder (checkFolder), the connection (testDestination)
// before createVault; the recovery kit can be copied, saved and printed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import FirstRun from '../../src-renderer/views/FirstRun.svelte';
import { FirstRunState } from '../../src-renderer/lib/state/first-run-state.svelte.ts';
import { FakeTransport } from './fake-transport.ts';

async function type(testid: string, value: string) {
  await fireEvent.input(await screen.findByTestId(testid), { target: { value } });
}

async function next() {
  await fireEvent.click(screen.getByTestId('wizard-next'));
  await waitFor(() => expect((screen.queryByTestId('wizard-next') as HTMLButtonElement | null)?.disabled ?? false).toBe(false));
}

function setup(t: FakeTransport) {
  const wizard = new FirstRunState(t.client());
  const onDone = vi.fn();
  render(FirstRun, { wizard, onDone });
  return { wizard, onDone };
}

const browser = () => new FakeTransport().on('hostFeatures', () => ({ pickFolder: false, saveFile: false }));
const KIT = { recoveryKey: 'CR1-7K3M-Q0ZD-AAAA', vaultId: '9f2c4e', remote: 's3://ann-vault/docs' };

/** Folder and S3 destination filled in, the connection test answered by `test`. */
async function toKeyStep(t: FakeTransport) {
  t.on('checkFolder', (r) => ({ ok: true, folder: r.folder }));
  setup(t);
  await type('wizard-folder', '/home/ann/Documents');
  await next();
  await type('wizard-bucket', 'ann-vault');
  await type('wizard-prefix', 'docs');
  await type('wizard-region', 'eu-central-1');
  await fireEvent.click(screen.getByTestId('creds-keys'));
  await type('wizard-access-key-id', 'AKIDEXAMPLE');
  await type('wizard-secret-key', 'wJalr-secret');
}

afterEach(() => vi.restoreAllMocks());

describe('First run: the folder step', () => {
  it('stays on the step with the engine\'s reason, then goes on with the folder it resolved', async () => {
    let answer: { ok: boolean; folder: string; problem?: string } = { ok: false, folder: '/home/ann/Docs', problem: '/home/ann/Docs does not exist. Create the folder first, or choose another.' };
    const t = browser().on('checkFolder', () => answer);
    setup(t);
    await type('wizard-folder', '~/Docs');
    await next();
    expect(screen.getByTestId('wizard-error').textContent).toBe('/home/ann/Docs does not exist. Create the folder first, or choose another.');
    expect(screen.getByTestId('wizard-folder')).toBeTruthy();
    expect(t.callsOf('checkFolder')).toEqual([{ folder: '~/Docs', purpose: 'create' }]);
    answer = { ok: true, folder: '/home/ann/Docs' };
    await next();
    expect((await screen.findByTestId('wizard-folder-checked')).textContent).toContain('/home/ann/Docs');
    // No file dialogs in a browser: a typed path only.
    expect(screen.queryByTestId('pick-destination')).toBeNull();
  });

  it('offers Choose… in the desktop app and takes the picked folder', async () => {
    const t = new FakeTransport().on('hostFeatures', () => ({ pickFolder: true, saveFile: true }))
      .on('pickFolder', () => ({ path: '/home/ann/Pictures' }));
    setup(t);
    await fireEvent.click(await screen.findByTestId('pick-folder'));
    await waitFor(() => expect((screen.getByTestId('wizard-folder') as HTMLInputElement).value).toBe('/home/ann/Pictures'));
    expect(t.callsOf('pickFolder')).toEqual([{ title: 'Folder to protect' }]);
  });
});

describe('First run: the connection test comes before anything is created', () => {
  it('does not go on, nor create, while the test fails, and says what to do', async () => {
    let result = { ok: false, message: 'Could not reach Amazon S3 (ECONNREFUSED). Check the endpoint address and port, the network, and that the server runs.' };
    const t = browser().on('testDestination', () => result)
      .on('createVault', () => KIT);
    await toKeyStep(t);
    await next();
    expect(screen.getByTestId('connection-result').textContent).toContain('Could not reach Amazon S3');
    expect(screen.getByTestId('connection-result').className).toContain('error-text');
    expect(screen.queryByTestId('wizard-create')).toBeNull();
    // The test got the region and the typed keys; the secret is not echoed back on screen.
    expect(t.callsOf('testDestination')).toEqual([{
      remote: 's3://ann-vault/docs', region: 'eu-central-1', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalr-secret',
      folder: '/home/ann/Documents', purpose: 'create',
    }]);
    expect(document.body.textContent).not.toContain('wJalr-secret');

    result = { ok: true, message: 'Connected to s3://ann-vault/docs: Coffer could list, write and delete there.' };
    await fireEvent.click(screen.getByTestId('test-connection'));
    await waitFor(() => expect(screen.getByTestId('connection-result').textContent).toContain('Connected to s3://ann-vault/docs'));
    // Changing the destination asks for a new test.
    await type('wizard-prefix', 'other');
    expect(screen.getByTestId('connection-result').textContent).toContain('Next tests the connection first');
    await type('wizard-prefix', 'docs');
    await next();
    expect(t.callsOf('testDestination')).toHaveLength(2);
    await fireEvent.change(screen.getByTestId('wizard-provider'), { target: { value: 'keychain' } });
    await fireEvent.click(screen.getByTestId('wizard-create'));
    await screen.findByTestId('recovery-kit');
    expect(t.callsOf('createVault')).toEqual([{
      folder: '/home/ann/Documents', remote: 's3://ann-vault/docs', region: 'eu-central-1', accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalr-secret', keyRef: 'keychain:coffer',
    }]);
  });

  it('tests a folder destination too, and asks for a profile\'s name when one is chosen', async () => {
    const t = browser().on('checkFolder', (r) => ({ ok: true, folder: r.folder }))
      .on('testDestination', () => ({ ok: false, message: 'The destination /home/ann/Documents/backup is inside the folder to protect' }));
    setup(t);
    await type('wizard-folder', '/home/ann/Documents');
    await next();
    await fireEvent.click(screen.getByTestId('creds-profile'));
    await type('wizard-bucket', 'b-1');
    await next();
    expect(screen.getByTestId('wizard-error').textContent).toBe('Enter the name of the AWS profile, or choose another way to sign in.');
    expect(t.callsOf('testDestination')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('dest-local'));
    await type('wizard-local-path', '/home/ann/Documents/backup');
    await next();
    expect(screen.getByTestId('connection-result').textContent).toContain('inside the folder to protect');
    expect(t.callsOf('testDestination')).toEqual([{ remote: 'file:///home/ann/Documents/backup', folder: '/home/ann/Documents', purpose: 'create' }]);
  });
});

describe('First run: the recovery kit', () => {
  async function toKit(t: FakeTransport) {
    t.on('testDestination', () => ({ ok: true, message: 'Connected' })).on('createVault', () => KIT).on('confirmRecoverySaved', () => null);
    await toKeyStep(t);
    await next();
    await fireEvent.click(screen.getByTestId('wizard-create'));
    return screen.findByTestId('recovery-kit');
  }

  it('shows the key with the vault id and the remote, tells the truth about showing it again, and copies the kit', async () => {
    const writeText = vi.fn(async (_text: string) => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const kit = await toKit(browser());
    expect(screen.getByTestId('recovery-key').textContent).toBe(KIT.recoveryKey);
    expect(screen.getByTestId('kit-vault-id').textContent).toBe('9f2c4e');
    expect(screen.getByTestId('kit-remote').textContent).toBe('s3://ann-vault/docs');
    expect(kit.textContent).not.toContain('only now');
    expect(screen.getByTestId('kit-again').textContent).toContain('coffer keys export-recovery');
    await fireEvent.click(screen.getByTestId('kit-copy'));
    await waitFor(() => expect(screen.getByTestId('kit-outcome').textContent).toContain('Copied'));
    const text = writeText.mock.calls[0]![0];
    expect(text).toContain('vault:        9f2c4e');
    expect(text).toContain('remote:       s3://ann-vault/docs');
    // The line `coffer restore --recovery-key @kit.txt` reads.
    expect(/^recovery key:\s*(\S+)/m.exec(text)?.[1]).toBe(KIT.recoveryKey);
  });

  it('downloads the kit in a browser, and prints it', async () => {
    const created: Blob[] = [];
    const createObjectURL = vi.fn((b: Blob) => {
      created.push(b);
      return 'blob:kit';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const clicks: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    const print = vi.fn();
    vi.stubGlobal('print', print);
    await toKit(browser());
    expect(screen.getByTestId('kit-save').textContent).toBe('Download as file');
    await fireEvent.click(screen.getByTestId('kit-save'));
    expect(clicks).toEqual(['coffer-recovery-kit.txt']);
    expect(await created[0]!.text()).toContain(`recovery key: ${KIT.recoveryKey}`);
    expect(screen.getByTestId('kit-outcome').textContent).toContain('Downloaded coffer-recovery-kit.txt');
    await fireEvent.click(screen.getByTestId('kit-print'));
    expect(print).toHaveBeenCalledTimes(1);
    vi.unstubAllGlobals();
  });

  it('saves through the desktop app\'s dialog, and keeps Continue off until "I saved it"', async () => {
    const t = new FakeTransport().on('hostFeatures', () => ({ pickFolder: true, saveFile: true }))
      .on('saveRecoveryKit', () => ({ path: '/home/ann/coffer-recovery-kit.txt' }));
    await toKit(t);
    expect(screen.getByTestId('kit-save').textContent).toBe('Save as file…');
    await fireEvent.click(screen.getByTestId('kit-save'));
    await waitFor(() => expect(screen.getByTestId('kit-outcome').textContent).toBe('Saved to /home/ann/coffer-recovery-kit.txt, readable by you only. Keep a copy away from this computer.'));
    const [call] = t.callsOf('saveRecoveryKit') as { text: string; suggestedName: string }[];
    expect(call!.suggestedName).toBe('coffer-recovery-kit.txt');
    expect(call!.text).toContain(`recovery key: ${KIT.recoveryKey}`);
    expect((screen.getByTestId('wizard-finish') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('recovery-saved'));
    expect((screen.getByTestId('wizard-finish') as HTMLButtonElement).disabled).toBe(false);
  });

  it('says a KMS or HSM key has no recovery key, and lets the user continue', async () => {
    const t = browser().on('testDestination', () => ({ ok: true, message: 'Connected' }))
      .on('createVault', () => ({ ...KIT, recoveryKey: '' })).on('confirmRecoverySaved', () => null);
    await toKeyStep(t);
    await next();
    await fireEvent.change(screen.getByTestId('wizard-provider'), { target: { value: 'aws-kms' } });
    await type('wizard-kms-key', 'alias/coffer');
    await fireEvent.click(screen.getByTestId('wizard-create'));
    expect((await screen.findByTestId('kit-none')).textContent).toContain('there is no recovery key');
    expect(screen.queryByTestId('recovery-key')).toBeNull();
    await fireEvent.click(screen.getByTestId('wizard-finish'));
    await waitFor(() => expect(t.callsOf('confirmRecoverySaved')).toHaveLength(1));
  });
});
