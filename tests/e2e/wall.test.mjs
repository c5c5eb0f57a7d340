// The wall (大屏): panels rotate by themselves, an incident raised through a webhook
// shows up, and when the hub goes away the wall says so (never looking green on old
// data) and comes back by itself — stream resumed, today's numbers fetched again —
// when the same hub starts again on the same port, data folder and token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebhookHub, firing } from './webhook.mjs';
import { launchChromium } from './chromium.mjs';

const SOON = 60_000;

let data;
let browser;
let hub;

before(async () => {
  data = await mkdtemp(join(tmpdir(), 'noc-e2e-wall-'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.stop();
  if (data !== undefined) await rm(data, { recursive: true, force: true });
});

test('the wall rotates, shows new incidents, and rides out a hub restart', async () => {
  const token = randomBytes(24).toString('hex');
  hub = await startWebhookHub({ data, token });
  const port = Number(new URL(hub.origin).port);

  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));

  await page.goto(`${hub.origin}/wall?token=${token}&rotate=2&panels=board,kpis,sources`);
  const wall = page.getByTestId('wall');
  await wall.and(page.locator('[data-connection="live"]')).waitFor({ timeout: SOON });
  // The token left the address bar for the PC's storage.
  assert.equal(new URL(page.url()).searchParams.get('token'), null);
  assert.equal(await page.evaluate(() => localStorage.getItem('noc.wall.token')), token);

  // Rotation: every chosen panel comes round without anyone touching the wall.
  const seen = new Set();
  const deadline = Date.now() + SOON;
  while (seen.size < 3 && Date.now() < deadline) {
    seen.add(await page.getByTestId('wall-panel').getAttribute('data-panel'));
    await page.waitForTimeout(250);
  }
  assert.deepEqual([...seen].sort(), ['board', 'kpis', 'sources']);

  // A critical incident raised through the webhook reaches the header and the board.
  await hub.send([firing('wall-db', 'db-wall-01', 'Database wall-db down', 'critical')]);
  await page.locator('[data-testid="wall-counts"] [data-severity="critical"] .n', { hasText: '1' }).waitFor({ timeout: SOON });
  await page.locator('[data-testid="wall-incident"]', { hasText: 'Database wall-db down' }).waitFor({ timeout: SOON });
  await page.locator('[data-kpi="opened"] .value', { hasText: '1' }).waitFor({ timeout: SOON });

  // The hub stops: the banner tells since when the data is old, and the data greys.
  await hub.stop();
  const banner = page.getByTestId('wall-reconnecting');
  await banner.waitFor({ timeout: SOON });
  assert.match(await banner.innerText(), /Reconnecting… last update \d\d:\d\d:\d\d/);
  assert.equal(await wall.getAttribute('data-connection'), 'reconnecting');
  assert.match((await wall.getAttribute('class')) ?? '', /\bstale\b/);

  // The same hub again: the wall recovers by itself and shows what is new.
  hub = await startWebhookHub({ data, token, port });
  await banner.waitFor({ state: 'detached', timeout: SOON });
  await wall.and(page.locator('[data-connection="live"]')).waitFor({ timeout: SOON });
  await hub.send([firing('wall-web', 'web-wall-02', 'Web wall-web down', 'critical')]);
  await page.locator('[data-testid="wall-incident"]', { hasText: 'Web wall-web down' }).waitFor({ timeout: SOON });
  await page.locator('[data-testid="wall-counts"] [data-severity="critical"] .n', { hasText: '2' }).waitFor({ timeout: SOON });
  // Today's numbers were fetched again after the reconnect, not left from before it.
  await page.locator('[data-kpi="opened"] .value', { hasText: '2' }).waitFor({ timeout: SOON });

  assert.deepEqual(errors, []);
  await context.close();
});
