// A private KMS test server for one test file (its state, clock and trail are the file's own), with the
// AWS SDK in this worker pointed at it for the file's duration.
import { afterAll, beforeAll } from 'vitest';
import type { KmsServer } from '../kms-server/server.ts';
import { startKmsServer, useKmsEndpoint } from './kms-service.ts';

export function kmsServerForThisFile(): () => KmsServer {
  let server: KmsServer | undefined;
  let restoreEnv: (() => void) | undefined;
  beforeAll(async () => {
    server = await startKmsServer();
    restoreEnv = useKmsEndpoint(server.endpoint);
  });
  afterAll(async () => {
    restoreEnv?.();
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('the KMS test server is only available inside tests');
    return server;
  };
}
