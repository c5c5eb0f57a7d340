import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startHub } from './hub.mjs';
import { launchChromium } from './chromium.mjs';

// Bounds for behaviour that depends on the machine's pace, not expectations of speed.
const SOON = 60_000;

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** A health endpoint served by the test process, which the probe checks. */
async function startTarget() {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', Connection: 'close' });
    res.end('ok');
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/health`,
    stop: () =>
      new Promise((done) => {
        server.close(done);
        server.closeAllConnections();
      }),
  };
}

async function openProbes(hub) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.addInitScript(() => localStorage.setItem('noc.language', 'en'));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${hub.url}#/probes`);
  await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: SOON });
  return { context, page, errors };
}

describe('probe page', () => {
  test('a probe of a local target shows ok with a chart, then failing once the target stops', { timeout: SOON * 4 }, async () => {
    const target = await startTarget();
    const config = `[[http_probe]]\nname = "portal"\nurl = "${target.url}"\ninterval_secs = 1\ntimeout_secs = 1\n`;
    const hub = await startHub({ demo: false, config });
    const { context, page, errors } = await openProbes(hub);
    try {
      const row = page.locator('[data-testid="probe-row"][data-probe="portal"]');
      await row.and(page.locator('[data-status="ok"]')).waitFor({ timeout: SOON });
      assert.match(await row.textContent(), new RegExp(target.url.replace(/[.]/g, '\\.')));
      assert.match(await row.textContent(), /100%/);

      await row.click();
      const detail = page.getByTestId('probe-detail');
      await detail.waitFor();
      // The chart is drawn from the history once it has results.
      await detail.locator('[data-testid="probe-chart"] canvas').waitFor({ timeout: SOON });
      assert.match(await detail.getByTestId('probe-latest').textContent(), /OK · 200/);
      await detail.getByTestId('range-24h').click();
      await detail.locator('[data-testid="probe-chart"] canvas').waitFor({ timeout: SOON });

      await target.stop();
      await row.and(page.locator('[data-status="failing"]')).waitFor({ timeout: SOON });
      await page.locator('[data-testid="probe-detail"][data-status="failing"]').waitFor({ timeout: SOON });
      const failure = await page.getByTestId('probe-last-failure').textContent();
      assert.match(failure, /refused|connect/i, `the reason is shown: ${failure}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await hub.stop();
      await target.stop().catch(() => {});
    }
  });

  test('without probes the page says where to add one', { timeout: SOON * 2 }, async () => {
    const hub = await startHub({ demo: false });
    const { context, page, errors } = await openProbes(hub);
    try {
      const empty = page.getByTestId('probes-empty');
      await empty.waitFor({ timeout: SOON });
      assert.match(await empty.textContent(), /No probes — add one on the Sources page/);
      await empty.getByRole('link').click();
      await page.getByTestId('nav-sources').and(page.locator('[aria-current="page"]')).waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await hub.stop();
    }
  });
});
