import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A sandbox cluster of a story's own, to import into Capstan and to stop on purpose. */
export interface ExtraSandbox {
  kubeconfig: string;
  stop(): Promise<void>;
}

/** Starts `capstan-sandbox` on a free loopback port and waits for its kubeconfig. */
export async function startSandbox(): Promise<ExtraSandbox> {
  const bin = process.env.CAPSTAN_SANDBOX_BIN;
  if (!bin) throw new Error('CAPSTAN_SANDBOX_BIN is not set: run the stories through scripts/e2e.sh');
  const dir = mkdtempSync(join(tmpdir(), 'capstan-extra-sandbox-'));
  const path = join(dir, 'kubeconfig');
  const child: ChildProcess = spawn(bin, ['--bind', '127.0.0.1:0', '--kubeconfig', path, '--scenario', 'demo'], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 20_000;
  while (!existsSync(path)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`capstan-sandbox exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('capstan-sandbox wrote no kubeconfig within 20 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // The file may be seen before its last write lands.
  await new Promise((r) => setTimeout(r, 200));
  const kubeconfig = readFileSync(path, 'utf8');
  return {
    kubeconfig,
    async stop() {
      // A process killed by a signal has a signalCode and no exitCode.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
