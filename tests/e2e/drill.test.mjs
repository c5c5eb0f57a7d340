// An emergency drill (应急演练) end to end: a duty manager starts a built-in scenario
// from #/drills, the team works its incident in the drill console (/drill/, marked
// DRILL, every call to /drill/api), a runbook step is checked in the drawer, the
// scorecard follows, and the drill ends with a link to its recording in the review.
// The production board never sees the drill's incident.
//
// Screenshots: set DRILL_SCREENSHOTS to a folder to have the screens written there.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { startWebhookHub } from './duty.mjs';

// Bounds for behaviour that depends on the machine's pace, not expectations of speed.
const SOON = 60_000;

const MANAGER = { name: 'zhou.min', display_name: 'Zhou Min', role: 'duty_manager', password: 'manager-passphrase-7' };

/** The nodes of the built-in `core-switch-down` scenario: the drill copies this network. */
const ESTATE = {
  nodes: [
    { id: 'sw-core-north-01', name: 'Core switch North 01', kind: 'network_device', layer: 'iaas' },
    { id: 'host-web-01', name: 'web-01', kind: 'host', layer: 'iaas' },
    { id: 'host-app-01', name: 'app-01', kind: 'host', layer: 'iaas' },
    { id: 'nginx-edge-01', name: 'nginx edge 01', kind: 'host', layer: 'paas' },
  ],
  relations: [
    { from: 'host-web-01', to: 'sw-core-north-01', kind: 'connects_to' },
    { from: 'host-app-01', to: 'sw-core-north-01', kind: 'connects_to' },
  ],
};

/** A scenario file with a mistake on its fourth line: a fault without its time. */
const BROKEN_SCENARIO = `name = "broken"
title = "Broken"
[[faults]]
at_sec = 1
kind = "alarm"
node = "sw-core-north-01"
severity = "critical"
title = "Down"
[expect.root_cause]
node = "sw-core-north-01"
`;

const shots = process.env.DRILL_SCREENSHOTS ?? null;

let hub;
let browser;

before(async () => {
  hub = await startWebhookHub();
  browser = await launchChromium();
  await hub.api('POST', '/api/operators', MANAGER);
  await hub.api('POST', '/api/topology/import?name=e2e-drill.json&format=json', ESTATE);
  if (shots !== null) await mkdir(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await hub?.stop();
});

async function screenshot(page, name) {
  if (shots !== null) await page.screenshot({ path: join(shots, `${name}.png`) });
}

/** The console signed in as the duty manager (kept for this tab only), on `hash`. */
async function signedInConsole({ hash = '#/drills', language = 'en', theme = 'dark' } = {}) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.addInitScript(
    ([code, look]) => {
      localStorage.setItem('noc.language', code);
      localStorage.setItem('noc.theme', look);
    },
    [language, theme],
  );
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${hub.origin}/${hash}`);
  await page.getByTestId('login-name').fill(MANAGER.name, { timeout: SOON });
  await page.getByTestId('login-password').fill(MANAGER.password);
  await page.getByTestId('login-password').press('Enter');
  await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: SOON });
  return { context, page, errors };
}

/** The drill's own record of its incident, once the first fault opened it. */
async function drillIncident() {
  const deadline = Date.now() + SOON;
  for (;;) {
    const view = await hub.api('GET', '/api/drills/current');
    if (view.drill.incident !== null) return view.drill.incident;
    if (Date.now() > deadline) throw new Error('the drill opened no incident');
    await new Promise((done) => setTimeout(done, 250));
  }
}

describe('an emergency drill', () => {
  test('is started, worked in the drill console, scored live and ended into the review', { timeout: SOON * 6 }, async () => {
    const { context, page, errors } = await signedInConsole();
    try {
      const catalogue = page.getByTestId('drill-catalogue');
      await catalogue.locator('[data-testid="drill-scenario"][data-scenario="core-switch-down"]').waitFor({ timeout: SOON });
      await page.getByTestId('drill-none').waitFor();
      await screenshot(page, 'drills-en');

      // A scenario file with a mistake is refused with the hub's words, naming the line.
      await page.getByTestId('drill-file').setInputFiles({ name: 'broken.toml', mimeType: 'application/toml', buffer: Buffer.from(BROKEN_SCENARIO) });
      const fromFile = page.locator('section', { has: page.getByTestId('drill-file') });
      await fromFile.getByTestId('drill-start').click();
      await fromFile.getByTestId('drill-start-confirm').click();
      const refusal = fromFile.getByTestId('drill-start-refusal');
      await refusal.waitFor({ timeout: SOON });
      assert.match(await refusal.textContent(), /line \d+/);

      // The built-in scenario, after the confirmation that says where it runs.
      const scenario = catalogue.locator('[data-testid="drill-scenario"][data-scenario="core-switch-down"]');
      await scenario.getByTestId('drill-start').click();
      assert.match(await scenario.textContent(), /separate drill database/);
      await scenario.getByTestId('drill-start-confirm').click();
      const current = page.getByTestId('drill-current');
      await current.waitFor({ timeout: SOON });
      assert.match(await current.textContent(), /Core switch down in DC North/);
      assert.match(await current.textContent(), new RegExp(`Started by ${MANAGER.name}`));
      // The first fault comes at once: the injected list and the detect phase show it.
      await current.getByTestId('drill-injected').locator('li').first().waitFor({ timeout: SOON });
      const incident = await drillIncident();
      await screenshot(page, 'drills-running-en');

      // The drill console opens in a new tab, signed in by the tab that opened it.
      const [drill] = await Promise.all([context.waitForEvent('page'), current.getByTestId('drill-open-console').click()]);
      drill.on('pageerror', (error) => errors.push(error));
      await drill.waitForURL(/\/drill\/#\/board$/, { timeout: SOON });
      const band = drill.getByTestId('drill-band');
      await band.waitFor({ timeout: SOON });
      assert.match(await band.textContent(), /DRILL · 演练/);
      assert.match(await band.textContent(), /not production/);
      await drill.getByTestId('drill-band-title').filter({ hasText: 'Core switch down in DC North' }).waitFor({ timeout: SOON });
      assert.match(await drill.title(), /^\[DRILL\]/);
      await drill.getByTestId('connection').and(drill.locator('[data-state="live"]')).waitFor({ timeout: SOON });

      // The drill's incident is on the drill board, worked through /drill/api ...
      const drillApi = [];
      drill.on('request', (request) => {
        const path = new URL(request.url()).pathname;
        if (path.includes('/api/')) drillApi.push(`${request.method()} ${path}`);
      });
      const row = drill.locator(`[data-testid="incident-row"][data-incident-id="${incident}"]`);
      await row.waitFor({ timeout: SOON });
      await row.click();
      const detail = drill.locator(`[data-testid="incident-detail"][data-incident-id="${incident}"]`);
      await detail.getByTestId('acknowledge').click();
      await drill.locator(`[data-testid="incident-row"][data-incident-id="${incident}"][data-status="acknowledged"]`).waitFor({ timeout: SOON });
      assert.ok(drillApi.includes(`POST /drill/api/incidents/${incident}/acknowledge`), drillApi.join('\n'));

      // ... and not on the production board, nor in the production log.
      const production = await hub.api('GET', '/api/state');
      assert.equal(production.incidents.length, 0);
      assert.equal(production.alarms.length, 0);
      await page.goto(`${hub.origin}/#/board`);
      await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: SOON });
      assert.equal(await page.getByTestId('drill-band').count(), 0);
      assert.equal(await page.getByTestId('incident-row').count(), 0);

      // The drawer: the acknowledgement is scored, a hand step is checked and scored.
      await drill.getByTestId('drill-drawer-toggle').click();
      const drawer = drill.getByTestId('drill-drawer');
      await drawer.locator('[data-testid="drill-phase"][data-phase="acknowledge"][data-verdict="met"]').waitFor({ timeout: SOON });
      const step = drawer.locator('[data-testid="drill-step"][data-step="switch-traffic"]');
      await step.getByTestId('drill-step-check').check();
      await drawer.locator('[data-testid="drill-step"][data-step="switch-traffic"][data-verdict="met"]').waitFor({ timeout: SOON });
      // The acknowledgement step ticked itself: no box to check by hand.
      await drawer.locator('[data-testid="drill-step"][data-step="acknowledge"][data-verdict="met"]').waitFor({ timeout: SOON });
      assert.equal(await drawer.locator('[data-testid="drill-step"][data-step="acknowledge"] input').count(), 0);
      assert.ok(drillApi.includes('POST /api/drills/current/steps/switch-traffic'), drillApi.join('\n'));
      await screenshot(drill, 'drill-console-dark');

      // Ended from #/drills: the final scorecard and the way to its recording.
      await page.goto(`${hub.origin}/#/drills`);
      const running = page.getByTestId('drill-current');
      await running.locator('[data-testid="drill-phase"][data-phase="acknowledge"][data-verdict="met"]').waitFor({ timeout: SOON });
      await running.getByTestId('drill-end').click();
      await running.getByTestId('drill-end-confirm').click();
      const result = page.getByTestId('drill-result');
      await result.waitFor({ timeout: SOON });
      await result.locator('[data-testid="drill-step"][data-step="switch-traffic"][data-verdict="met"]').waitFor();
      await page.getByTestId('drill-none').waitFor();
      await page.getByTestId('drill-past-link').first().waitFor({ timeout: SOON });
      await screenshot(page, 'drills-ended-en');

      // The drill console says the drill is over.
      await drill.getByTestId('drill-none-running').waitFor({ timeout: SOON });

      const link = result.getByTestId('drill-review-link');
      const target = await link.getAttribute('href');
      assert.match(target, /^#\/review\/.+/);
      await link.click();
      // The player keeps its moment in the address after the recording's id.
      await page.waitForURL((url) => url.hash.startsWith(target), { timeout: SOON });
      const id = decodeURIComponent(target.slice('#/review/'.length));
      await page.locator(`[data-testid="review-player"][data-id="${id}"]`).waitFor({ timeout: SOON });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the catalogue reads in Chinese, and the drill console in the light theme', { skip: shots === null && 'screenshots only', timeout: SOON * 3 }, async () => {
    const { context, page } = await signedInConsole({ language: 'zh', theme: 'light' });
    try {
      await page.locator('[data-testid="drill-scenario"][data-scenario="core-switch-down"]').filter({ hasText: '北京数据中心核心交换机宕机' }).waitFor({ timeout: SOON });
      await screenshot(page, 'drills-zh');
      await page.locator('[data-testid="drill-scenario"][data-scenario="database-primary-failover"]').getByTestId('drill-start').click();
      await page.getByTestId('drill-start-confirm').click();
      await page.getByTestId('drill-current').waitFor({ timeout: SOON });
      await screenshot(page, 'drills-running-zh');
      const [drill] = await Promise.all([context.waitForEvent('page'), page.getByTestId('drill-open-console').click()]);
      await drill.getByTestId('connection').and(drill.locator('[data-state="live"]')).waitFor({ timeout: SOON });
      await drill.locator('[data-testid="incident-row"]').first().waitFor({ timeout: SOON });
      await drill.getByTestId('drill-drawer-toggle').click();
      await drill.getByTestId('drill-drawer').waitFor();
      await screenshot(drill, 'drill-console-zh-light');
      await page.getByTestId('drill-end').click();
      await page.getByTestId('drill-end-confirm').click();
      await page.getByTestId('drill-result').waitFor({ timeout: SOON });
      await drill.getByTestId('drill-none-running').waitFor({ timeout: SOON });
      await screenshot(drill, 'drill-console-none');
    } finally {
      await context.close();
    }
  });
});
