// `coffer ui` must not outlive the process that started it (npx, a script): killed parent, stopped server.
import { describe, it, expect, afterEach } from 'vitest';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { sandbox, until, type Sandbox } from './harness.ts';
import { COFFER_BIN, assertBuilt } from './cli-harness.ts';

/** Any HTTP answer at all from the server (the status does not matter), or false when nothing listens. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('coffer ui and its parent', () => {
  let sb: Sandbox;
  let uiPid = 0;
  afterEach(async () => {
    if (uiPid && alive(uiPid)) process.kill(uiPid, 'SIGKILL');
    await sb?.cleanup();
  });

  it.skipIf(process.platform === 'win32')('stops serving when the parent that started it is killed', async () => {
    assertBuilt();
    sb = await sandbox();
    // The parent plays npx: it starts the CLI (sharing its own stdout), says the child's pid, and waits.
    const wrapper = `const c = require('node:child_process').spawn(process.execPath, [${JSON.stringify(COFFER_BIN)}, 'ui', '--port', '0'], { stdio: ['ignore', 'inherit', 'inherit'] });
      console.log('child ' + c.pid); setInterval(() => {}, 1e6);`;
    const parent = spawn(process.execPath, ['-e', wrapper], { env: { ...process.env, COFFER_HOME: sb.home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    parent.stdout.on('data', (d) => (out += d));
    parent.stderr.on('data', (d) => (out += d));
    await until(() => /child (\d+)/.test(out) && /open (http:\/\/\S+)/.test(out), 'the UI address', 30_000);
    uiPid = Number(/child (\d+)/.exec(out)![1]);
    const url = /open (http:\/\/\S+)/.exec(out)![1]!;
    expect(await answers(url)).toBe(true);

    parent.kill('SIGKILL');
    await until(() => !alive(uiPid), 'coffer ui to exit after its parent was killed', 20_000);
    expect(await answers(url)).toBe(false);
  });
});
