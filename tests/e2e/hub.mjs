// Starts a hub (the demo, or an empty configuration) on a free port with a fresh data
// folder, and stops it again.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const repo = resolve(import.meta.dirname, '..', '..');
const READY = /NOC console ready: (\S+)/;

export function hubBinary() {
  return process.env.NOC_SERVER_BIN ?? join(repo, 'target', 'debug', 'noc-server');
}

/**
 * Resolves with `{ url, origin, data, stop }` once the hub prints its ready line. Without
 * the demo the hub reads `config` as its noc.toml (empty: it watches only what a test
 * adds). A hub restarted as the same hub gets the `port`, `data` folder and `token` of
 * the first: a `data` folder given is the caller's and is not deleted on stop.
 */
export async function startHub({
  readyTimeoutMs = 120_000,
  demo = true,
  config = '',
  port = 0,
  data: keptData = null,
  token = null,
  demoSpeed = 20,
} = {}) {
  const binary = hubBinary();
  if (!existsSync(binary)) {
    throw new Error(`hub binary not found at ${binary}: build it with \`cargo build -p noc-server\` or set NOC_SERVER_BIN`);
  }
  const data = keptData ?? (await mkdtemp(join(tmpdir(), 'noc-e2e-')));
  let source = ['--demo', '--demo-speed', String(demoSpeed)];
  if (!demo) {
    const file = join(data, 'noc.toml');
    await writeFile(file, config);
    source = ['--config', file];
  }
  const child = spawn(binary, [...source, '--port', String(port), '--data', data], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: token === null ? process.env : { ...process.env, NOC_TOKEN: token },
  });
  const stderr = [];
  child.stderr.on('data', (chunk) => {
    stderr.push(chunk);
    if (stderr.length > 200) stderr.shift();
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (keptData === null) await rm(data, { recursive: true, force: true });
  };
  process.once('exit', () => child.kill('SIGKILL'));

  try {
    const url = await new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error('hub did not print its ready line in time')), readyTimeoutMs);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(new Error(`hub exited early (${code ?? signal}):\n${Buffer.concat(stderr).toString()}`));
      });
      createInterface({ input: child.stdout }).on('line', (line) => {
        const match = READY.exec(line);
        if (match) {
          clearTimeout(timer);
          done(match[1]);
        }
      });
    });
    return { url, origin: new URL(url).origin, data, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
