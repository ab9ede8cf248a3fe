// First run: what the wizard collects, turned into one createVault request.
import { commands, describeIssues } from '../../../src-main/ipc/contract.ts';
import type { ApiClient, CreateVaultRequest } from '../api-types.ts';

export type DestinationKind = 's3' | 'local';
export type ProviderKind = 'keychain' | 'passphrase' | 'aws-kms' | 'pkcs11';
export type Step = 'folder' | 'destination' | 'key' | 'kit';

export class FirstRunState {
  step = $state<Step>('folder');
  folder = $state('');
  destination = $state<DestinationKind>('s3');
  bucket = $state('');
  prefix = $state('');
  endpoint = $state('');
  profile = $state('');
  localPath = $state('');
  provider = $state<ProviderKind>('keychain');
  keychainName = $state('coffer');
  passphrase = $state('');
  passphraseAgain = $state('');
  kmsKeyId = $state('');
  pkcs11 = $state('');
  /** The recovery kit: held only here, and cleared once the user confirms they saved it. */
  recoveryKey = $state<string | null>(null);
  saved = $state(false);
  creating = $state(false);
  error = $state<string | null>(null);

  constructor(private readonly api: ApiClient) {}

  request(): CreateVaultRequest {
    const remote = this.destination === 's3'
      ? `s3://${this.bucket.trim()}${this.prefix.trim() ? `/${this.prefix.trim().replace(/^\/+/, '')}` : ''}`
      : `file://${this.localPath.trim().startsWith('/') ? '' : '/'}${this.localPath.trim()}`;
    const keyRef = {
      keychain: `keychain:${this.keychainName.trim()}`,
      passphrase: 'passphrase',
      'aws-kms': `aws-kms:${this.kmsKeyId.trim()}`,
      pkcs11: `pkcs11:${this.pkcs11.trim()}`,
    }[this.provider];
    const req: CreateVaultRequest = { folder: this.folder.trim(), remote, keyRef };
    if (this.destination === 's3' && this.endpoint.trim()) {
      req.endpoint = this.endpoint.trim();
      if (req.endpoint.startsWith('http://')) req.allowHttp = true;
    }
    if (this.destination === 's3' && this.profile.trim()) req.profile = this.profile.trim();
    if (this.provider === 'passphrase') req.passphrase = this.passphrase;
    return req;
  }

  /** Why the current step cannot continue, in words; null when it can. */
  problem(): string | null {
    if (this.step === 'folder') return this.folder.trim() ? null : 'Choose the folder to protect.';
    if (this.step === 'destination') {
      if (this.destination === 's3' && !this.bucket.trim()) return 'Enter the S3 bucket name.';
      if (this.destination === 'local' && !this.localPath.trim()) return 'Enter the destination folder.';
      return null;
    }
    if (this.step === 'key' && this.provider === 'passphrase') {
      if (this.passphrase.length < 12) return 'Use a passphrase of at least 12 characters.';
      if (this.passphrase !== this.passphraseAgain) return 'The two passphrases differ.';
    }
    const parsed = commands.createVault.request.safeParse(this.request());
    return this.step === 'key' && !parsed.success ? describeIssues(parsed.error) : null;
  }

  next(): void {
    this.error = this.problem();
    if (this.error) return;
    if (this.step === 'folder') this.step = 'destination';
    else if (this.step === 'destination') this.step = 'key';
  }

  back(): void {
    this.error = null;
    if (this.step === 'destination') this.step = 'folder';
    else if (this.step === 'key') this.step = 'destination';
  }

  async create(): Promise<void> {
    this.error = this.problem();
    if (this.error) return;
    this.creating = true;
    try {
      const { recoveryKey } = await this.api.createVault(this.request());
      this.passphrase = '';
      this.passphraseAgain = '';
      this.recoveryKey = recoveryKey;
      this.step = 'kit';
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.creating = false;
    }
  }

  /** Returns true when the user may leave the wizard. */
  async confirmSaved(): Promise<boolean> {
    if (!this.saved) return false;
    try {
      await this.api.confirmRecoverySaved();
      this.recoveryKey = null;
      return true;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      return false;
    }
  }
}
