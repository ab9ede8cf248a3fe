// The KMS test server for the whole run (test/kms-server), and the client side tests use to reach it.
import type { TestProject } from 'vitest/node';
import type { GlobalSetup } from './global-setups.ts';
import { startKmsServer, type TestPolicy, type TrailEntry } from '../kms-server/server.ts';

export { startKmsServer };

declare module 'vitest' {
  export interface ProvidedContext {
    kmsEndpoint: string;
  }
}

export const setup: GlobalSetup = async (project: TestProject) => {
  const server = await startKmsServer();
  project.provide('kmsEndpoint', server.endpoint);
  return () => server.close();
};

/** Test credentials and region for the SDK; the server reads, but does not verify, the signature. */
export const KMS_TEST_ENV = { AWS_ACCESS_KEY_ID: 'AKIDCOFFERTEST', AWS_SECRET_ACCESS_KEY: 'coffer-test-secret', AWS_REGION: 'us-east-1' };

/** Points the AWS SDK in this worker at the server. Returns a function that restores the environment. */
export function useKmsEndpoint(endpoint: string, env: Record<string, string> = KMS_TEST_ENV): () => void {
  const all: Record<string, string> = { ...env, AWS_ENDPOINT_URL_KMS: endpoint };
  const before = Object.fromEntries(Object.keys(all).map((k) => [k, process.env[k]]));
  delete process.env.AWS_PROFILE;
  Object.assign(process.env, all);
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** The server's test hooks, over HTTP, for a server started in another process (the global setup). */
export function kmsControl(endpoint: string) {
  const post = async (path: string, body: unknown): Promise<void> => {
    const r = await fetch(`${endpoint}/__test/${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`KMS test hook ${path}: HTTP ${r.status}`);
  };
  return {
    throttle: (count: number, op?: string) => post('throttle', { count, op }),
    advance: (ms: number) => post('advance', { ms }),
    setPolicy: (accessKeyId: string, policy: TestPolicy | null) => post('policy', { accessKeyId, policy }),
    trail: async (keyId?: string): Promise<TrailEntry[]> => {
      const q = keyId ? `?keyId=${encodeURIComponent(keyId)}` : '';
      return (await fetch(`${endpoint}/__test/trail${q}`)).json() as Promise<TrailEntry[]>;
    },
  };
}
