import { auditQuietly, type AuditSink } from './types.ts';

/**
 * Wrap/unwrap auditing per session, as the local keys do it: the first use of each version for each
 * operation is logged at once, flush() logs the counts since. Per-object entries would drown the log
 * (KMS's own CloudTrail has those); failures are always logged.
 */
export class UseAudit {
  private readonly uses = new Map<string, number>();

  constructor(private readonly ref: string, private readonly audit: AuditSink | undefined) {}

  async used(op: 'wrap' | 'unwrap', version?: number): Promise<void> {
    const k = `${op}:${version ?? ''}`;
    const n = (this.uses.get(k) ?? 0) + 1;
    this.uses.set(k, n);
    if (n === 1) await auditQuietly(this.audit, { op, key: this.ref, ...(version ? { version } : {}), detail: 'first use in this session' });
  }

  async failed(op: 'wrap' | 'unwrap', err: Error, version?: number): Promise<void> {
    await auditQuietly(this.audit, {
      op: op === 'wrap' ? 'wrap' : 'unwrap-failed', key: this.ref, ...(version ? { version } : {}), detail: `failed: ${err.message}`,
    });
  }

  async flush(): Promise<void> {
    for (const [k, n] of this.uses) {
      if (n <= 1) continue; // the first use was logged when it happened
      const [op, v] = k.split(':') as ['wrap' | 'unwrap', string];
      await auditQuietly(this.audit, { op, key: this.ref, ...(v ? { version: Number(v) } : {}), detail: `${n} uses this session` });
    }
    this.uses.clear();
  }
}
