// Starts the Debian package's Alertmanager on a free local port, and stops it again.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ALERTMANAGER = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';
const CONFIG = resolve(import.meta.dirname, '..', 'integration', 'alertmanager.yml');

export const haveAlertmanager = () => existsSync(ALERTMANAGER);

/** A port nothing listens on: taken from the system, then released. */
export async function closedPort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

/** Resolves with `{ base, postAlert(alert), silences(), stop }` once Alertmanager is ready. */
export async function startAlertmanager({ readyTimeoutMs = 30_000 } = {}) {
  const folder = await mkdtemp(join(tmpdir(), 'noc-e2e-am-'));
  const port = await closedPort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(
    ALERTMANAGER,
    [
      `--config.file=${CONFIG}`,
      `--storage.path=${folder}`,
      // Empty: no cluster gossip, so nothing listens beyond the web port.
      '--cluster.listen-address=',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  process.once('exit', () => child.kill('SIGKILL'));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(folder, { recursive: true, force: true });
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`Alertmanager exited early (${child.exitCode})`);
    }
    if (await fetch(`${base}/-/ready`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error('Alertmanager did not become ready in time');
    }
    await new Promise((done) => setTimeout(done, 200));
  }

  return {
    base,
    stop,
    /** Fires an alert that lasts an hour unless resolved. */
    async postAlert(labels, annotations = {}) {
      const alert = { labels, annotations, endsAt: new Date(Date.now() + 3_600_000).toISOString() };
      const response = await fetch(`${base}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify([alert]),
      });
      if (!response.ok) throw new Error(`Alertmanager refused the alert: HTTP ${response.status}`);
    },
    async silences() {
      return (await fetch(`${base}/api/v2/silences`)).json();
    },
  };
}
