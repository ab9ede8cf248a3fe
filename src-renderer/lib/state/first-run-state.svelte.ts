// First run: what the wizard collects, turned into one createVault request, or (Connect to an existing
// vault) one joinVault request that makes this machine a new device of a vault another one created.
import { commands, describeIssues } from '../../../src-main/ipc/contract.ts';
import type { ApiClient, CreateVaultRequest, JoinTeamRequest, JoinVaultRequest, JoinVaultResult } from '../api-types.ts';

export type Mode = 'create' | 'join';
/** 'code': joining a team with a join code, which names the vault itself (Connect only). */
export type DestinationKind = 's3' | 'local' | 'code';
export type ProviderKind = 'keychain' | 'passphrase' | 'aws-kms' | 'pkcs11';
/** How a new device opens an existing vault's key: one of the vault's key slots, or its recovery key. */
export type JoinKeyKind = 'passphrase' | 'recovery' | 'aws-kms' | 'pkcs11' | 'keychain';
export type Step = 'folder' | 'destination' | 'key' | 'kit' | 'joined';

export class FirstRunState {
  mode = $state<Mode>('create');
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
  joinKey = $state<JoinKeyKind>('passphrase');
  /** The vault's recovery key, typed by the user; sent once with joinVault and cleared afterwards. */
  recoveryInput = $state('');
  deviceName = $state('');
  /** The join code an admin sent (a secret until used): sent once with joinTeam and cleared afterwards. */
  joinCode = $state('');
  joinedTeam = $state<{ memberId: string } | null>(null);
  /** What joinVault did: files downloaded, conflict copies written. */
  joined = $state<JoinVaultResult | null>(null);
  creating = $state(false);
  error = $state<string | null>(null);

  constructor(private readonly api: ApiClient) {}

  request(): CreateVaultRequest {
    const req: CreateVaultRequest = { folder: this.folder.trim(), ...this.where(), keyRef: this.keyRefOf(this.provider) };
    if (this.provider === 'passphrase') req.passphrase = this.passphrase;
    return req;
  }

  joinRequest(): JoinVaultRequest {
    const req: JoinVaultRequest = { folder: this.folder.trim(), ...this.where() };
    if (this.joinKey === 'recovery') {
      req.recoveryKey = this.recoveryInput.trim();
      // This device keeps the key in its own keychain afterwards, so the recovery key is typed only once.
      req.saveKeyRef = this.keyRefOf('keychain');
    } else {
      req.keyRef = this.keyRefOf(this.joinKey);
      if (this.joinKey === 'passphrase') req.passphrase = this.passphrase;
    }
    if (this.deviceName.trim()) req.deviceName = this.deviceName.trim();
    return req;
  }

  teamRequest(): JoinTeamRequest {
    const req: JoinTeamRequest = { code: this.joinCode.replace(/\s+/g, ''), folder: this.folder.trim() };
    if (this.deviceName.trim()) req.deviceName = this.deviceName.trim();
    return req;
  }

  private keyRefOf(kind: ProviderKind): string {
    return {
      keychain: `keychain:${this.keychainName.trim()}`,
      passphrase: 'passphrase',
      'aws-kms': `aws-kms:${this.kmsKeyId.trim()}`,
      pkcs11: `pkcs11:${this.pkcs11.trim()}`,
    }[kind];
  }

  /** The destination (create) or the vault's location (join), as the contract spells it. */
  private where(): Pick<CreateVaultRequest, 'remote' | 'endpoint' | 'allowHttp' | 'profile'> {
    const remote = this.destination === 's3'
      ? `s3://${this.bucket.trim()}${this.prefix.trim() ? `/${this.prefix.trim().replace(/^\/+/, '')}` : ''}`
      : `file://${this.localPath.trim().startsWith('/') ? '' : '/'}${this.localPath.trim()}`;
    const out: Pick<CreateVaultRequest, 'remote' | 'endpoint' | 'allowHttp' | 'profile'> = { remote };
    if (this.destination === 's3' && this.endpoint.trim()) {
      out.endpoint = this.endpoint.trim();
      if (out.endpoint.startsWith('http://')) out.allowHttp = true;
    }
    if (this.destination === 's3' && this.profile.trim()) out.profile = this.profile.trim();
    return out;
  }

  /** Why the current step cannot continue, in words; null when it can. */
  problem(): string | null {
    if (this.step === 'folder') return this.folder.trim() ? null : 'Choose the folder to protect.';
    if (this.step === 'destination') {
      if (this.destination === 's3' && !this.bucket.trim()) return 'Enter the S3 bucket name.';
      if (this.destination === 'local' && !this.localPath.trim()) return 'Enter the destination folder.';
      if (this.destination === 'code') {
        if (!this.joinCode.trim()) return 'Paste the join code you were sent.';
        const code = commands.joinTeam.request.safeParse(this.teamRequest());
        return code.success ? null : describeIssues(code.error);
      }
      return null;
    }
    if (this.step === 'key' && this.mode === 'join' && this.destination === 'code') {
      const team = commands.joinTeam.request.safeParse(this.teamRequest());
      return team.success ? null : describeIssues(team.error);
    }
    if (this.step === 'key' && this.mode === 'join') {
      if (this.joinKey === 'passphrase' && !this.passphrase) return 'Enter the vault\'s passphrase.';
      if (this.joinKey === 'recovery' && !this.recoveryInput.trim()) return 'Enter the vault\'s recovery key.';
      const joined = commands.joinVault.request.safeParse(this.joinRequest());
      return joined.success ? null : describeIssues(joined.error);
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
    // A join code is a way to connect only; creating a vault needs a real destination.
    if (this.step === 'folder' && this.mode === 'create' && this.destination === 'code') this.destination = 's3';
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

  /** Connect to an existing vault: this machine becomes a new device of it. */
  async join(): Promise<void> {
    this.error = this.problem();
    if (this.error) return;
    this.creating = true;
    try {
      if (this.destination === 'code') {
        this.joinedTeam = await this.api.joinTeam(this.teamRequest());
        this.joinCode = '';
      } else {
        this.joined = await this.api.joinVault(this.joinRequest());
      }
      this.passphrase = '';
      this.recoveryInput = '';
      this.step = 'joined';
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
