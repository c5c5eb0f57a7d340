// A hub without the demo, fed through a generic webhook, for the duty-loop tests: the
// alarms are the test's own, so every incident on the board is one it made.
import { randomBytes } from 'node:crypto';
import { startHub } from './hub.mjs';

export const HOOK = 'e2e-script';
const HOOK_ENV = 'NOC_E2E_HOOK_SECRET';

/** `extra` is more of noc.toml (e.g. an Alertmanager source). */
export async function startWebhookHub({ extra = '' } = {}) {
  // The hub reads the hook's secret from its environment, which it inherits from here.
  process.env[HOOK_ENV] ??= randomBytes(16).toString('hex');
  const config = `[[webhook]]\nname = "${HOOK}"\nformat = "generic"\ntoken_env = "${HOOK_ENV}"\n${extra}`;
  const hub = await startHub({ demo: false, config });
  const token = new URL(hub.url).searchParams.get('token');

  /** The console's API, as an operator named `operator`. */
  async function api(method, path, body, operator = 'e2e-api') {
    const response = await fetch(`${hub.origin}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        'X-Noc-Operator': operator,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text === '' ? null : JSON.parse(text);
  }

  /** Fires (or resolves) alerts through the generic webhook. */
  async function send(alerts) {
    const response = await fetch(`${hub.origin}/hooks/${HOOK}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${process.env[HOOK_ENV]}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ alerts: alerts.map((a) => ({ status: 'firing', severity: 'major', ...a })) }),
    });
    if (response.status !== 202) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
  }

  /** Polls the hub's state until `pick` finds something. */
  async function waitForState(pick, { timeout = 60_000, what = 'state' } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const found = pick(await api('GET', '/api/state'));
      if (found !== undefined && found !== null && found !== false) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((done) => setTimeout(done, 250));
    }
  }

  return { ...hub, api, send, waitForState };
}

/** A page of the console in `language`, as operator `operator`, once its stream is live. */
export async function openConsole(browser, hub, { operator, language = 'en', theme = 'dark', hash = '', viewport = { width: 1600, height: 1300 } }) {
  const context = await browser.newContext({ viewport });
  await context.addInitScript(
    ([name, code, look]) => {
      localStorage.setItem('noc.language', code);
      localStorage.setItem('noc.operator', name);
      localStorage.setItem('noc.theme', look);
    },
    [operator, language, theme],
  );
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${hub.url}${hash}`);
  await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: 60_000 });
  return { context, page, errors };
}
