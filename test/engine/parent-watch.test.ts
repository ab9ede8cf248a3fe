import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { untilParentGone } from '../../src-main/cli/parent-watch.ts';

describe('untilParentGone', () => {
  it('resolves once the parent process id changes (the parent died and the process was re-parented)', async () => {
    let ppid = 4242;
    let looks = 0;
    const watch = untilParentGone({ everyMs: 5, ppid: () => (looks++, ppid), stdin: new PassThrough() as unknown as NodeJS.ReadStream });
    let gone = false;
    void watch.gone.then(() => (gone = true));
    while (looks < 5) await new Promise((r) => setTimeout(r, 5));
    expect(gone).toBe(false); // the same parent: keeps running
    ppid = 1;
    await watch.gone;
    watch.stop();
  });
});
