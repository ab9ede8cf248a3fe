// First run: what the wizard collects, turned into one createVault request, or (Connect to an existing
// vault) one joinVault request that makes this machine a new device of a vault another one created.
import { commands, describeIssues, type Request } from '../../../src-main/ipc/contract.ts';
import type { ApiClient, CreateVaultRequest, JoinTeamRequest, JoinVaultRequest, JoinVaultResult } from '../api-types.ts';
import type { RecoveryKit } from '../recovery-kit.ts';

export type Mode = 'create' | 'join';
type DestinationRequest = Request<'testDestination'>;
/** 'code': joining a team with a join code, which names the vault itself (Connect only). */
export type DestinationKind = 's3' | 'local' | 'code';
export type ProviderKind = 'keychain' | 'passphrase' | 'aws-kms' | 'pkcs11';
/** How a new device opens an existing vault's key: one of the vault's key slots, or its recovery key. */
export type JoinKeyKind = 'passphrase' | 'recovery' | 'aws-kms' | 'pkcs11' | 'keychain';
export type Step = 'folder' | 'destination' | 'key' | 'kit' | 'joined';
/** Where S3 credentials come from: this computer's AWS setup (environment, default profile), a named profile, or typed keys. */
export type CredentialsKind = 'default' | 'profile' | 'keys';
type Where = Pick<CreateVaultRequest, 'remote' | 'endpoint' | 'allowHttp' | 'profile' | 'region' | 'accessKeyId' | 'secretAccessKey'>;

export class FirstRunState {
  mode = $state<Mode>('create');
  step = $state<Step>('folder');
  folder = $state('');
  destination = $state<DestinationKind>('s3');
  bucket = $state('');
  prefix = $state('');
  endpoint = $state('');
  profile = $state('');
  region = $state('');
  credentials = $state<CredentialsKind>('default');
  accessKeyId = $state('');
  /** Typed S3 secret: sent with testDestination and createVault/joinVault only, cleared once used. */
  secretAccessKey = $state('');
  localPath = $state('');
  /** What the engine said about the folder (checkFolder) that is worth showing although it is fine. */
  folderNote = $state<string | null>(null);
  /** The last connection test, and the destination it was made for: a change asks for a new one. */
  connection = $state<{ ok: boolean; message: string; tested: string } | null>(null);
  checking = $state(false);
  /** The desktop app has file dialogs; a browser (`coffer ui`) has none. */
  features = $state({ pickFolder: false, saveFile: false });
  provider = $state<ProviderKind>('keychain');
  keychainName = $state('coffer');
  passphrase = $state('');
  passphraseAgain = $state('');
  kmsKeyId = $state('');
  pkcs11 = $state('');
  /** The recovery kit: held only here, and cleared once the user confirms they saved it. */
  recoveryKey = $state<string | null>(null);
  kit = $state<RecoveryKit | null>(null);
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
  private where(): Where {
    const remote = this.destination === 's3'
      ? `s3://${this.bucket.trim()}${this.prefix.trim() ? `/${this.prefix.trim().replace(/^\/+/, '')}` : ''}`
      : `file://${this.localPath.trim().startsWith('/') ? '' : '/'}${this.localPath.trim()}`;
    const out: Where = { remote };
    if (this.destination !== 's3') return out;
    if (this.endpoint.trim()) {
      out.endpoint = this.endpoint.trim();
      if (out.endpoint.startsWith('http://')) out.allowHttp = true;
    }
    if (this.region.trim()) out.region = this.region.trim();
    if (this.credentials === 'profile' && this.profile.trim()) out.profile = this.profile.trim();
    if (this.credentials === 'keys') {
      out.accessKeyId = this.accessKeyId.trim();
      out.secretAccessKey = this.secretAccessKey.trim();
    }
    return out;
  }

  /** The destination as testDestination takes it, with the folder (one inside the other is refused). */
  destinationRequest(): DestinationRequest {
    return { ...this.where(), folder: this.folder.trim(), purpose: this.mode };
  }

  /** Which destination a test was made for; the secret is left out, so it is never kept here. */
  private destinationKey(): string {
    const { secretAccessKey: _secret, ...rest } = this.destinationRequest();
    return JSON.stringify({ ...rest, secretLength: this.secretAccessKey.length });
  }

  /** The connection test passed for the destination as it is now. */
  get connected(): boolean {
    return this.connection?.ok === true && this.connection.tested === this.destinationKey();
  }

  async loadFeatures(): Promise<void> {
    this.features = await this.api.hostFeatures().catch(() => ({ pickFolder: false, saveFile: false }));
  }

  /** The desktop app's folder picker, for the protected folder or a folder destination. */
  async pick(target: 'folder' | 'localPath'): Promise<void> {
    try {
      const { path } = await this.api.pickFolder({ title: target === 'folder' ? 'Folder to protect' : 'Destination folder' });
      if (path !== null) this[target] = path;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  /** Runs the connection test now (the Test button, and Next on the destination step). */
  async testConnection(): Promise<boolean> {
    const local = this.problem();
    if (local) {
      this.error = local;
      return false;
    }
    this.checking = true;
    this.error = null;
    const tested = this.destinationKey();
    try {
      const r = await this.api.testDestination(this.destinationRequest());
      this.connection = { ...r, tested };
      return r.ok;
    } catch (err) {
      this.connection = { ok: false, message: err instanceof Error ? err.message : String(err), tested };
      return false;
    } finally {
      this.checking = false;
    }
  }

  /** Why the current step cannot continue, in words; null when it can. */
  problem(): string | null {
    if (this.step === 'folder') return this.folder.trim() ? null : 'Choose the folder to protect.';
    if (this.step === 'destination') {
      if (this.destination === 's3' && !this.bucket.trim()) return 'Enter the S3 bucket name.';
      if (this.destination === 's3' && this.credentials === 'profile' && !this.profile.trim()) return 'Enter the name of the AWS profile, or choose another way to sign in.';
      if (this.destination === 's3' && this.credentials === 'keys' && (!this.accessKeyId.trim() || !this.secretAccessKey.trim())) return 'Enter the access key ID and the secret access key.';
      if (this.destination === 'local' && !this.localPath.trim()) return 'Enter the destination folder.';
      if (this.destination === 'code') {
        if (!this.joinCode.trim()) return 'Paste the join code you were sent.';
        const code = commands.joinTeam.request.safeParse(this.teamRequest());
        return code.success ? null : describeIssues(code.error);
      }
      const dest = commands.testDestination.request.safeParse(this.destinationRequest());
      return dest.success ? null : describeIssues(dest.error);
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

  /** The next step, once the engine agrees: checkFolder on the folder step, the connection test on the destination step. */
  async next(): Promise<void> {
    this.error = this.problem();
    if (this.error) return;
    // A join code is a way to connect only; creating a vault needs a real destination.
    if (this.step === 'folder' && this.mode === 'create' && this.destination === 'code') this.destination = 's3';
    if (this.step === 'folder') {
      if (await this.folderChecked()) this.step = 'destination';
    } else if (this.step === 'destination') {
      if (this.destination === 'code' || this.connected || (await this.testConnection())) this.step = 'key';
    }
  }

  private async folderChecked(): Promise<boolean> {
    this.checking = true;
    this.folderNote = null;
    try {
      const r = await this.api.checkFolder({ folder: this.folder.trim(), purpose: this.mode });
      if (!r.ok) {
        this.error = r.problem ?? 'This folder cannot be used.';
        return false;
      }
      this.folder = r.folder;
      this.folderNote = r.note ?? null;
      return true;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      return false;
    } finally {
      this.checking = false;
    }
  }

  back(): void {
    this.error = null;
    if (this.step === 'destination') this.step = 'folder';
    else if (this.step === 'key') this.step = 'destination';
  }

  async create(): Promise<void> {
    this.error = this.problem();
    if (this.error) return;
    // Nothing is created before the destination answered the connection test.
    if (!this.connected) {
      this.error = 'Test the connection to the destination first (Back, then Next).';
      return;
    }
    this.creating = true;
    try {
      const kit = await this.api.createVault(this.request());
      this.passphrase = '';
      this.passphraseAgain = '';
      this.secretAccessKey = '';
      this.recoveryKey = kit.recoveryKey;
      this.kit = kit;
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
      this.secretAccessKey = '';
      this.step = 'joined';
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.creating = false;
    }
  }

  /** The desktop app's save dialog; main writes the file 0600. Resolves with the path, or null if cancelled. */
  async saveKitFile(text: string, suggestedName: string): Promise<string | null> {
    return (await this.api.saveRecoveryKit({ text, suggestedName })).path;
  }

  /** Returns true when the user may leave the wizard. */
  async confirmSaved(): Promise<boolean> {
    // A key held in KMS or an HSM has no recovery key to save.
    if (!this.saved && this.recoveryKey) return false;
    try {
      await this.api.confirmRecoverySaved();
      this.recoveryKey = null;
      this.kit = null;
      return true;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      return false;
    }
  }
}
