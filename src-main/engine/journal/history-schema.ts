import { z } from 'zod';
import type { HistoryAction, HistoryEntry, HistoryQuery } from '../ports/journal.ts';

export const HISTORY_FORMAT = 'coffer-history';
export const HISTORY_VERSION = 1;
export const MAX_QUERY_LIMIT = 10_000;

const actions = ['upload', 'delete', 'rename', 'skip', 'error', 'restore', 'verify', 'sync', 'key', 'warning', 'pull', 'conflict'] as const satisfies readonly HistoryAction[];

const entrySchema = z.object({
  time: z.iso.datetime({ offset: true }),
  action: z.enum(actions),
  path: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  reason: z.string().optional(),
  syncId: z.string().optional(),
  member: z.string().optional(),
  device: z.string().optional(),
  copyPath: z.string().optional(),
  from: z.string().optional(),
});

const querySchema = z.object({
  limit: z.number().int().min(1).max(MAX_QUERY_LIMIT).optional(),
  offset: z.number().int().nonnegative().optional(),
  actions: z.array(z.enum(actions)).optional(),
  pathContains: z.string().optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  foldNoChange: z.boolean().optional(),
});

export function checkEntry(e: unknown): HistoryEntry {
  const r = entrySchema.safeParse(e);
  if (!r.success) throw new TypeError(`invalid history entry: ${z.prettifyError(r.error)}`);
  return r.data;
}

export function checkQuery(q: unknown): HistoryQuery {
  const r = querySchema.safeParse(q ?? {});
  if (!r.success) throw new TypeError(`invalid history query: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** For reading back: a line that checks out but fails the schema is skipped like a damaged one. */
export function parseEntry(v: unknown): HistoryEntry | undefined {
  const r = entrySchema.safeParse(v);
  return r.success ? r.data : undefined;
}
