import type { AuditLog } from '../audit-log.ts';

// ManagedKey and KeyContext are defined by the keys module (src-main/engine/keys/index.ts), whose
// dispatcher loads these providers on demand. Type-only imports, so no load-time cycle.
export type { KeyContext, ManagedKey } from '../index.ts';

/** Only append is used here; tests may pass a recorder. */
export type AuditSink = Pick<AuditLog, 'append'>;

/** Audit failures must never mask the operation's own result or error. */
export async function auditQuietly(
  audit: AuditSink | undefined,
  e: Parameters<AuditLog['append']>[0],
): Promise<void> {
  if (!audit) return;
  try {
    await audit.append(e);
  } catch {
    /* the audit log reports its own damage through verify(); a key operation does not fail for it */
  }
}
