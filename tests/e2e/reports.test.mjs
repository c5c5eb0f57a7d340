// Reports from the console: with the demo running, today's daily report previews in a
// sandboxed frame (its title, its SVG charts) beside the page's own summary of the very
// numbers the hub sent; the PDF downloads as a real PDF; the Chinese report reads in
// Chinese; the incident detail's link opens that incident's review report; a range
// the hub refuses is explained in words.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startHub } from './hub.mjs';
import { launchChromium } from './chromium.mjs';
import { openWorkstation } from './workstation.mjs';

// Bounds for behaviour that depends on the machine's pace, not expectations of speed.
const SOON = 60_000;
const EVENTUALLY = 240_000;
const DAY = 24 * 60 * 60 * 1000;

let hub;
let browser;
let token;

before(async () => {
  hub = await startHub({ demoSpeed: 60 });
  token = new URL(hub.url).searchParams.get('token');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.stop();
});

async function api(path) {
  const response = await fetch(`${hub.origin}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** The demo's incidents, once it has some. */
async function incidents() {
  const deadline = Date.now() + EVENTUALLY;
  for (;;) {
    const state = await api('/api/state');
    if (state.incidents.length > 0) return state.incidents;
    if (Date.now() > deadline) throw new Error('the demo opened no incident in time');
    await new Promise((done) => setTimeout(done, 1_000));
  }
}

/** Clicks Preview and resolves with the JSON the page received for its summary. */
async function preview(page) {
  const numbers = page.waitForResponse((r) => r.url().includes('/api/reports?') && r.url().includes('format=json'), { timeout: SOON });
  await page.getByTestId('reports-preview').click();
  return (await numbers).json();
}

const frame = (page) => page.frameLocator('[data-testid="reports-preview-frame"]');

const figure = (page, name) => page.locator(`[data-testid="reports-summary"] [data-figure="${name}"]`);

test('daily, PDF, Chinese and incident reports from the console', { timeout: EVENTUALLY * 2 }, async () => {
  await incidents();
  const { context, page } = await openWorkstation(browser, hub.url, 'Report Reader', { hash: '#/reports' });
  const errors = [];
  page.on('pageerror', (error) => {
    // The workstation's init script runs in every frame; in the report's sandboxed frame
    // it cannot reach the console's storage, which is the point of the sandbox.
    if (!/sandboxed and lacks the 'allow-same-origin' flag/.test(error.message)) errors.push(error);
  });
  try {
    // Daily, today: the page starts there.
    const reports = page.getByTestId('reports-page');
    await reports.waitFor({ timeout: SOON });
    assert.equal(await reports.getAttribute('data-kind'), 'daily');
    await page.getByTestId('reports-kind-daily').click();
    const query = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
    assert.equal(query.get('kind'), 'daily');
    const from = Number(query.get('from'));
    const to = Number(query.get('to'));
    assert.ok(from <= Date.now() && Date.now() <= to && to - from < DAY + 2 * 60 * 60 * 1000, 'today, midnight to midnight');

    const sent = await preview(page);
    await frame(page).locator('h1', { hasText: 'Daily report' }).waitFor({ timeout: SOON });
    await frame(page).locator('svg').first().waitFor({ timeout: SOON });
    // The frame runs nothing: it is sandboxed without scripts.
    assert.equal(await page.getByTestId('reports-preview-frame').getAttribute('sandbox'), '');

    // The summary shows the numbers the hub sent, and the hub's own answer agrees.
    const alarms = ['critical', 'major', 'minor', 'warning', 'unknown', 'info'].reduce((sum, s) => sum + sent.alarms_raised[s], 0);
    assert.ok(alarms > 0, 'the demo raised alarms today');
    assert.equal(await figure(page, 'alarms').getAttribute('data-value'), String(alarms));
    assert.equal(await figure(page, 'incidents').getAttribute('data-value'), String(sent.incidents_opened));
    assert.equal(await figure(page, 'mtta').getAttribute('data-value'), String(sent.mtta.mean_ms ?? ''));
    assert.equal(await figure(page, 'mttr').getAttribute('data-value'), String(sent.mttr.mean_ms ?? ''));
    for (const clock of ['detect', 'identify', 'recover']) {
      const tile = figure(page, clock);
      assert.equal(await tile.getAttribute('data-met'), String(sent.compliance[clock].met));
      assert.equal(await tile.getAttribute('data-missed'), String(sent.compliance[clock].missed));
    }
    const fetched = await api(`/api/reports?kind=daily&from=${from}&to=${to}&format=json&lang=en`);
    assert.equal(fetched.from, sent.from);
    assert.equal(fetched.to, sent.to);
    // The demo keeps going: the hub's later answer has at least as many alarms.
    assert.ok(fetched.incidents_opened >= sent.incidents_opened);

    // The PDF, fetched with the bearer and saved under the report's name.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: SOON }), page.getByTestId('reports-download-pdf').click()]);
    assert.match(download.suggestedFilename(), /^noc-daily-\d{4}-\d{2}-\d{2}\.pdf$/);
    const pdf = await readFile(await download.path());
    assert.equal(pdf.subarray(0, 4).toString('latin1'), '%PDF');
    assert.ok(pdf.length > 1024, `a PDF of ${pdf.length} bytes`);

    // The same report in Chinese.
    await page.getByTestId('reports-lang').selectOption('zh');
    assert.equal(new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('lang'), 'zh');
    await preview(page);
    await frame(page).locator('h1', { hasText: '日报' }).waitFor({ timeout: SOON });

    // The incident detail links to that incident's review report.
    await page.goto(`${hub.origin}/#/board`);
    const row = page.getByTestId('incident-row').first();
    await row.waitFor({ timeout: SOON });
    const incident = { id: Number(await row.getAttribute('data-incident-id')) };
    await row.click();
    const detail = page.locator(`[data-testid="incident-detail"][data-incident-id="${incident.id}"]`);
    await detail.getByTestId('detail-review-report').click();
    await page.locator('[data-testid="reports-page"][data-kind="incident"]').waitFor({ timeout: SOON });
    assert.equal(new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('incident'), String(incident.id));
    assert.equal(await page.getByTestId('reports-incident').inputValue(), String(incident.id));
    await frame(page).locator('h1', { hasText: 'Incident review' }).waitFor({ timeout: SOON });
    await frame(page).getByText(`#${incident.id} `, { exact: false }).first().waitFor({ timeout: SOON });

    // A range longer than the hub writes is refused, and said so in words.
    await page.goto(`${hub.origin}/#/reports?kind=daily&from=${from - 60 * DAY}&to=${to}&lang=en`);
    await page.getByTestId('reports-failure').filter({ hasText: 'at most 31 days' }).waitFor({ timeout: SOON });
    assert.equal(await page.getByTestId('reports-preview-frame').count(), 0);

    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
