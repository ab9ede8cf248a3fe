import type { KeyUsage } from '../ports/vault-service.ts';
import type { ManifestStore } from '../manifest/manifest-store.ts';
import { walkRoots } from '../manifest/reachable.ts';

/**
 * What would become unreadable if a key went away: for each key version, the files and file versions
 * (across every root retention keeps) whose objects it wrapped, with a few example paths.
 */
export async function scanKeyUsage(manifest: ManifestStore, ref: string): Promise<KeyUsage & { versions: Record<number, number> }> {
  const head = await manifest.readHead();
  const byVersion = new Map<number, { paths: Set<string>; versions: Set<string>; objects: Set<string> }>();
  const paths = new Set<string>();
  let roots = 0;
  let latestFiles = 0;
  if (head) {
    for await (const r of walkRoots(manifest, manifest.roots(head.head.rootId))) {
      if (r.kind === 'root') roots++;
      if (r.kind !== 'entry') continue;
      const e = r.entry;
      if (e.type !== 'file') continue;
      paths.add(e.path);
      // The walk starts at the head and reads each segment once: entries before the second root are the head's.
      if (roots === 1) latestFiles++;
      if (e.keyVersion === undefined) continue;
      let u = byVersion.get(e.keyVersion);
      if (!u) byVersion.set(e.keyVersion, (u = { paths: new Set(), versions: new Set(), objects: new Set() }));
      u.paths.add(e.path);
      u.versions.add(`${e.path}\0${e.hash}`);
      for (const c of e.chunks ?? []) u.objects.add(c.object);
    }
  }
  const rows = [...byVersion.entries()].sort((a, b) => a[0] - b[0]);
  return {
    ref,
    byVersion: rows.map(([version, u]) => ({ version, files: u.paths.size, objects: u.objects.size, examples: [...u.paths].slice(0, 5) })),
    files: paths.size,
    latestFiles,
    versions: Object.fromEntries(rows.map(([v, u]) => [v, u.versions.size])),
  };
}
