// A hub without the demo whose alarms come from a generic webhook, so that a test (or
// the board benchmark) decides exactly which alarms exist.
import { randomBytes } from 'node:crypto';
import { startHub } from './hub.mjs';

const HOOK = 'e2e';

/** Starts a hub with one generic webhook; answers the hub plus ways to feed and drive it. */
export async function startWebhookHub({ extraConfig = '', ...options } = {}) {
  const secret = randomBytes(24).toString('hex');
  // The hub reads the hook's secret from the environment it inherits.
  process.env.NOC_E2E_HOOK_SECRET = secret;
  const config = `[[webhook]]\nname = "${HOOK}"\nformat = "generic"\ntoken_env = "NOC_E2E_HOOK_SECRET"\n${extraConfig}`;
  const hub = await startHub({ ...options, demo: false, config });
  const token = new URL(hub.url).searchParams.get('token');

  /** Sends generic alerts (`{key, status, title, severity, node, text, labels}`), in bodies under 1 MiB. */
  async function send(alerts, { chunk = 2_000 } = {}) {
    for (let at = 0; at < alerts.length; at += chunk) {
      const response = await fetch(`${hub.origin}/hooks/${HOOK}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ alerts: alerts.slice(at, at + chunk) }),
      });
      if (response.status !== 202) throw new Error(`webhook: HTTP ${response.status} ${await response.text()}`);
    }
  }

  /** Calls the hub's API as `operator`. */
  async function api(method, path, body, operator = 'e2e') {
    const response = await fetch(`${hub.origin}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        'X-Noc-Operator': encodeURIComponent(operator),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  }

  /** Waits until the hub's state satisfies `done(snapshot)`; answers that snapshot. */
  async function until(done, { timeoutMs = 120_000, what = 'the hub state' } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const snapshot = await api('GET', '/api/state');
      if (done(snapshot)) return snapshot;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  return { ...hub, token, send, api, until };
}

/** A firing alert of the generic format. */
export const firing = (key, node, title, severity = 'major', extra = {}) => ({
  key,
  status: 'firing',
  severity,
  node,
  title,
  ...extra,
});

export const resolved = (key, node, title) => ({ key, status: 'resolved', node, title });
