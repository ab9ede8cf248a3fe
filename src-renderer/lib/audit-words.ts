// The audit log in plain words: what each operation meant for the person whose vault it is.
import type { AuditEntry } from './api-types.ts';

const OP_TEXT: Record<AuditEntry['op'], string> = {
  create: 'Created the key',
  wrap: 'Encrypted new files',
  unwrap: 'Opened the vault',
  'unwrap-failed': 'Could not open files with the key',
  rotate: 'Rotated the key',
  rewrap: 'Re-wrapped files or the key copy',
  'schedule-deletion': "Scheduled the key's deletion",
  'cancel-deletion': "Cancelled the key's deletion",
};

export function auditText(op: AuditEntry['op']): string {
  return OP_TEXT[op];
}
