import { KMS } from '@aws-sdk/client-kms';
import type {
  CancelKeyDeletionCommandInput, CancelKeyDeletionCommandOutput,
  CreateAliasCommandInput, CreateAliasCommandOutput,
  CreateKeyCommandInput, CreateKeyCommandOutput,
  DecryptCommandInput, DecryptCommandOutput,
  DescribeKeyCommandInput, DescribeKeyCommandOutput,
  EnableKeyCommandInput, EnableKeyCommandOutput,
  EnableKeyRotationCommandInput, EnableKeyRotationCommandOutput,
  EncryptCommandInput, EncryptCommandOutput,
  GenerateDataKeyCommandInput, GenerateDataKeyCommandOutput,
  GetKeyRotationStatusCommandInput, GetKeyRotationStatusCommandOutput,
  ListKeyRotationsCommandInput, ListKeyRotationsCommandOutput,
  RotateKeyOnDemandCommandInput, RotateKeyOnDemandCommandOutput,
  ScheduleKeyDeletionCommandInput, ScheduleKeyDeletionCommandOutput,
} from '@aws-sdk/client-kms';
import type { Clock, RandomSource } from '../../ports/clock.ts';
import { isThrottle, mapKmsError } from './kms-errors.ts';

/**
 * The KMS calls Coffer makes, as a minimal structural type (the ESDK's approach): the SDK's `KMS`
 * class fits it, and so do the wrappers below. The ESDK keyring needs exactly generateDataKey,
 * encrypt and decrypt with these names, which is why the client is built from `KMS`, not `KMSClient`.
 */
export interface KmsApi {
  generateDataKey(a: GenerateDataKeyCommandInput): Promise<GenerateDataKeyCommandOutput>;
  encrypt(a: EncryptCommandInput): Promise<EncryptCommandOutput>;
  decrypt(a: DecryptCommandInput): Promise<DecryptCommandOutput>;
  describeKey(a: DescribeKeyCommandInput): Promise<DescribeKeyCommandOutput>;
  getKeyRotationStatus(a: GetKeyRotationStatusCommandInput): Promise<GetKeyRotationStatusCommandOutput>;
  listKeyRotations(a: ListKeyRotationsCommandInput): Promise<ListKeyRotationsCommandOutput>;
  rotateKeyOnDemand(a: RotateKeyOnDemandCommandInput): Promise<RotateKeyOnDemandCommandOutput>;
  enableKeyRotation(a: EnableKeyRotationCommandInput): Promise<EnableKeyRotationCommandOutput>;
  scheduleKeyDeletion(a: ScheduleKeyDeletionCommandInput): Promise<ScheduleKeyDeletionCommandOutput>;
  cancelKeyDeletion(a: CancelKeyDeletionCommandInput): Promise<CancelKeyDeletionCommandOutput>;
  enableKey(a: EnableKeyCommandInput): Promise<EnableKeyCommandOutput>;
  createKey(a: CreateKeyCommandInput): Promise<CreateKeyCommandOutput>;
  createAlias(a: CreateAliasCommandInput): Promise<CreateAliasCommandOutput>;
}

const METHODS = [
  'generateDataKey', 'encrypt', 'decrypt', 'describeKey', 'getKeyRotationStatus', 'listKeyRotations',
  'rotateKeyOnDemand', 'enableKeyRotation', 'scheduleKeyDeletion', 'cancelKeyDeletion', 'enableKey',
  'createKey', 'createAlias',
] as const satisfies readonly (keyof KmsApi)[];

/** KMS action name for messages and policies: generateDataKey -> GenerateDataKey. */
export function actionName(method: string): string {
  return method.charAt(0).toUpperCase() + method.slice(1);
}

/** Builds a KmsApi whose every method runs through `around(action, call)`. */
function wrapApi(api: KmsApi, around: (action: string, call: () => Promise<unknown>) => Promise<unknown>): KmsApi {
  const out: Record<string, (args: unknown) => Promise<unknown>> = {};
  for (const m of METHODS) {
    const fn = api[m] as (args: unknown) => Promise<unknown>;
    out[m] = (args) => around(actionName(m), () => fn.call(api, args));
  }
  return out as unknown as KmsApi;
}

/**
 * The SDK client: default credential chain; the endpoint from opts, AWS_ENDPOINT_URL_KMS or
 * AWS_ENDPOINT_URL; the region from the key ARN when there is one (a key lives in one region).
 * The SDK's own retries are off (maxAttempts 1): retryingKms does them with the injected clock.
 */
export function buildKmsClient(opts: { region?: string; endpoint?: string } = {}): KMS {
  const endpoint = opts.endpoint ?? process.env.AWS_ENDPOINT_URL_KMS ?? process.env.AWS_ENDPOINT_URL;
  return new KMS({
    maxAttempts: 1,
    ...(opts.region ? { region: opts.region } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
}

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 100, maxMs: 5_000 };

/** Retries throttled calls with capped exponential backoff and full jitter; other errors pass through. */
export function retryingKms(api: KmsApi, clock: Clock, random: RandomSource, policy: RetryPolicy = DEFAULT_RETRY): KmsApi {
  return wrapApi(api, async (_action, call) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (!isThrottle(err) || attempt >= policy.attempts) throw err;
        const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
        await clock.sleep(Math.floor(cap * unitInterval(random)));
      }
    }
  });
}

/** Rethrows every SDK error as a KmsKeyError or KmsCiphertextError with a plain message. */
export function mappingKms(api: KmsApi, keyLabel: string): KmsApi {
  return wrapApi(api, async (action, call) => {
    try {
      return await call();
    } catch (err) {
      throw mapKmsError(err, keyLabel, action);
    }
  });
}

function unitInterval(random: RandomSource): number {
  const b = random(4);
  return ((b[0] ?? 0) * 2 ** 24 + (b[1] ?? 0) * 2 ** 16 + (b[2] ?? 0) * 2 ** 8 + (b[3] ?? 0)) / 2 ** 32;
}
