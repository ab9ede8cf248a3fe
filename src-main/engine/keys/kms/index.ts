import { systemClock, systemRandom } from '../../ports/clock.ts';
import { KeyUsageError } from '../key-errors.ts';
import { parseKeyRef } from '../key-ref.ts';
import { buildKmsClient, mappingKms, retryingKms, type KmsApi, type RetryPolicy } from './kms-client.ts';
import { KmsManagedKey } from './kms-key.ts';
import { auditQuietly, type KeyContext, type ManagedKey } from './types.ts';

export { KmsKeyError, KmsCiphertextError, type KmsProblem } from './kms-errors.ts';
export type { KmsApi } from './kms-client.ts';
export { DELETION_WINDOW_DAYS, ROTATION_PERIOD_DAYS } from './kms-key.ts';

export interface KmsOptions {
  /** Overrides AWS_ENDPOINT_URL_KMS (a test server, a VPC endpoint). */
  endpoint?: string;
  /** A client to use instead of the SDK's (tests that need a misbehaving KMS). */
  client?: KmsApi;
  retry?: RetryPolicy;
}

// uuid, mrk-..., alias/name, or a key/alias ARN in any partition.
const KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[A-Za-z0-9/_-]{1,250}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]{1,250}))$/;

/** 'aws-kms:<key id | alias/name | ARN>' -> the KMS KeyId, or a plain error saying what is expected. */
export function parseKmsRef(ref: string): { keyId: string; region?: string } {
  const parsed = parseKeyRef(ref);
  if (parsed.provider !== 'aws-kms') throw new KeyUsageError(`"${ref}" is not an aws-kms: key reference`);
  if (!KEY_ID.test(parsed.keyId)) {
    throw new KeyUsageError(
      `bad KMS key "${parsed.keyId}": use a key id (1234abcd-...), alias/name, or the key's ARN (arn:aws:kms:region:account:key/...)`);
  }
  const region = parsed.keyId.startsWith('arn:') ? parsed.keyId.split(':')[3] : undefined;
  return { keyId: parsed.keyId, ...(region ? { region } : {}) };
}

/**
 * Opens an AWS KMS key. Nothing is sent to KMS yet: status() and the keyrings make the calls, so a
 * vault opens even while KMS is unreachable (its status then says why). The region is the ARN's, else
 * the SDK's (AWS_REGION, profile); credentials come from the SDK's default chain.
 */
export async function openKmsKey(ref: string, ctx: KeyContext, opts: KmsOptions = {}): Promise<ManagedKey> {
  const { keyId, region } = parseKmsRef(ref);
  return new KmsManagedKey(`aws-kms:${keyId}`, keyId, apiFor(keyId, ctx, opts, region), ctx.clock ?? systemClock, ctx.audit);
}

/**
 * Creates a symmetric KMS key (and the alias, if given) for a vault and opens it. The vault id goes in
 * the description so the key can be found in the console; it is an opaque id, not a name.
 */
export async function createKmsKey(
  ctx: KeyContext,
  opts: KmsOptions & { alias?: string; region?: string } = {},
): Promise<ManagedKey> {
  if (opts.alias !== undefined && !/^alias\/(?!aws\/)[A-Za-z0-9/_-]{1,250}$/.test(opts.alias)) {
    throw new KeyUsageError(`bad alias "${opts.alias}": use alias/<name> with letters, digits, "/", "_" or "-" (not alias/aws/...)`);
  }
  const api = apiFor('new key', ctx, opts, opts.region);
  const out = await api.createKey({
    Description: `Coffer vault ${ctx.vaultId}`,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeySpec: 'SYMMETRIC_DEFAULT',
  });
  const arn = out.KeyMetadata?.Arn;
  if (!arn) throw new KeyUsageError('KMS created a key but returned no ARN');
  if (opts.alias) await api.createAlias({ AliasName: opts.alias, TargetKeyId: arn });
  const ref = `aws-kms:${opts.alias ?? arn}`;
  await auditQuietly(ctx.audit, { op: 'create', key: ref, version: 1, detail: `KMS key ${arn}` });
  return openKmsKey(ref, ctx, opts);
}

/** SDK client -> throttling retry (injected clock) -> plain-language errors. */
function apiFor(label: string, ctx: KeyContext, opts: KmsOptions, region?: string): KmsApi {
  const raw = opts.client ?? buildKmsClient({ ...(region ? { region } : {}), ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) });
  return mappingKms(retryingKms(raw, ctx.clock ?? systemClock, ctx.random ?? systemRandom, opts.retry), label);
}
