import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHub } from './hub.mjs';
import { launchChromium } from './chromium.mjs';

// The demo's pace depends on the machine; these bound how long we wait for behaviour.
const SOON = 90_000;
const EVENTUALLY = 240_000;

let hub;
let browser;

before(async () => {
  hub = await startHub();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.stop();
});

async function openBoard({ language } = {}) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1400 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(new Error(message.text()));
  });
  if (language) {
    // Only a first visit gets the language; a reload keeps what the page stored.
    await context.addInitScript((code) => {
      if (localStorage.getItem('noc.language') === null) localStorage.setItem('noc.language', code);
    }, language);
  }
  await page.goto(hub.url);
  await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: SOON });
  return { context, page, errors };
}

describe('fault board', () => {
  test('shows incidents as they open and as they resolve, without reloading', { timeout: EVENTUALLY + SOON }, async () => {
    const { context, page, errors } = await openBoard({ language: 'en' });
    try {
      assert.ok(!new URL(page.url()).searchParams.has('token'), 'token stays out of the address bar');
      await page.evaluate(() => {
        window.sessionMarker = 'same page';
      });

      await page.locator('[data-testid="incident-row"][data-status="open"]').first().waitFor({ timeout: SOON });

      // Remember every incident seen open until one of them shows as resolved, paging
      // through the virtualised list so that rows far down are looked at too.
      const resolvedId = await page.waitForFunction(
        () => {
          const seen = (window.seenOpen ??= new Set());
          for (const row of document.querySelectorAll('[data-testid="incident-row"]')) {
            const id = row.getAttribute('data-incident-id');
            const status = row.getAttribute('data-status');
            if (status !== 'resolved' && status !== 'reviewed') seen.add(id);
            else if (seen.has(id)) return id;
          }
          const list = document.querySelector('[data-testid="incident-list"] [role="list"]');
          if (list) {
            const next = list.scrollTop + list.clientHeight;
            list.scrollTop = next >= list.scrollHeight ? 0 : next;
          }
          return null;
        },
        undefined,
        { timeout: EVENTUALLY, polling: 400 },
      );
      assert.ok(await resolvedId.jsonValue());
      assert.equal(await page.evaluate(() => window.sessionMarker), 'same page', 'the page was not reloaded');

      const counts = page.getByTestId('severity-counts');
      assert.equal(await counts.locator('li').count(), 6);
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('opens an incident, shows its timeline, and acknowledges it as the operator', { timeout: SOON * 2 }, async () => {
    const { context, page } = await openBoard({ language: 'en' });
    try {
      await page.getByTestId('operator-input').fill('Duty Tester');
      await page.getByTestId('operator-form').getByRole('button').click();
      await page.getByTestId('operator-name').waitFor();

      // An incident can resolve between being seen and being acknowledged (the hub then
      // refuses); another open one is taken in that case.
      let id;
      let detail;
      for (let attempt = 1; ; attempt++) {
        const row = page.locator('[data-testid="incident-row"][data-status="open"]').first();
        await row.waitFor({ timeout: SOON });
        id = await row.getAttribute('data-incident-id');
        await row.click();
        detail = page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`);
        try {
          await detail.getByTestId('timeline-entry').first().waitFor({ timeout: SOON });
          await detail.getByTestId('acknowledge').click({ timeout: 10_000 });
          await detail.getByTestId('detail-ack').filter({ hasText: 'Duty Tester' }).waitFor({ timeout: 30_000 });
          break;
        } catch (error) {
          if (attempt === 5) throw error;
        }
      }
      await detail.locator('[data-kind="incident_acknowledged"]').waitFor({ timeout: SOON });
    } finally {
      await context.close();
    }
  });

  test('names topology nodes by their display name, with the id as tooltip', { timeout: SOON * 2 }, async () => {
    const { context, page, errors } = await openBoard({ language: 'en' });
    try {
      const names = await page.evaluate(async () => {
        const token = sessionStorage.getItem('noc.token');
        const response = await fetch('/api/topology', {
          headers: token === null ? {} : { Authorization: `Bearer ${token}` },
        });
        const topology = await response.json();
        return Object.fromEntries(topology.nodes.map((node) => [node.id, node.name]));
      });
      assert.ok(Object.keys(names).length > 0, 'the demo has a topology');

      // Every node shown on the board reads as its name (the id when the topology does
      // not know it) and keeps the id as its tooltip.
      const shownRight = async (scope) =>
        page.waitForFunction(
          ([selector, known]) => {
            const shown = [...document.querySelectorAll(`${selector} [data-testid="node-name"]`)];
            return (
              shown.length > 0 &&
              shown.some((el) => known[el.dataset.nodeId] !== undefined) &&
              shown.every((el) => {
                const id = el.dataset.nodeId;
                return el.title === id && el.textContent === (known[id] ?? id);
              })
            );
          },
          [scope, names],
          { timeout: SOON, polling: 250 },
        );
      await shownRight('[data-testid="incident-list"]');
      await shownRight('[data-testid="alarm-list"]');

      await page.locator('[data-testid="incident-row"]').first().click();
      await shownRight('[data-testid="incident-detail"]');
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('switching to Chinese changes the labels, and the choice is kept', { timeout: SOON * 2 }, async () => {
    const { context, page } = await openBoard({ language: 'en' });
    try {
      const header = page.locator('header.header');
      await header.getByText('Fault board').waitFor();
      await page.getByTestId('language').selectOption('zh');
      await header.getByText('故障看板').waitFor();
      await page.getByTestId('severity-counts').getByText('紧急').waitFor();
      await page.getByTestId('incident-list').getByText('根因').waitFor();
      assert.equal(await header.getByText('Fault board').count(), 0);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');

      await page.reload();
      await header.getByText('故障看板').waitFor({ timeout: SOON });
    } finally {
      await context.close();
    }
  });

  test('a wrong token gets a screen that says how to get the right link', { timeout: SOON }, async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${hub.origin}/?token=not-the-token`);
      await page.getByTestId('login-notice').waitFor({ timeout: SOON });
      assert.match(await page.getByTestId('login-notice').textContent(), /token/i);
    } finally {
      await context.close();
    }
  });
});
