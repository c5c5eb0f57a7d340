// A status notice (通报) from the incident detail: the hub's draft in the dialog, the
// impact corrected, the preview in Chinese and English, sent to a channel whose
// receiver (a local HTTP server standing for the team's chat gateway) records what it
// gets, and the notice on the incident's timeline with its kind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launchChromium } from './chromium.mjs';
import { openConsole, startWebhookHub } from './duty.mjs';

// Bounds for behaviour that depends on the machine's pace, not expectations of speed.
const SOON = 60_000;
const OPERATOR = 'Duty Wang';
const IMPACT = '网上银行登录失败 / online banking logins fail';

let hub;
let browser;
let gateway;
const received = [];

before(async () => {
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise((done) => gateway.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${gateway.address().port}/chat`;
  // Only notices reach this channel: its own triggers want critical incidents, the test's are major.
  const extra = `[[notify]]\nname = "duty-chat"\nkind = "webhook"\nurl = "${url}"\nmin_severity = "critical"\n`;
  hub = await startWebhookHub({ extra });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.stop();
  await new Promise((done) => gateway?.close(done));
});

describe('status notices', () => {
  test('a notice is drafted, corrected, previewed in both languages, sent and kept on the timeline', { timeout: SOON * 4 }, async () => {
    await hub.send([{ key: 'notice-core', node: 'core-r1', title: 'E2E BGP session down' }]);
    const incident = await hub.waitForState(
      (state) => state.incidents.find((i) => i.title.startsWith('E2E BGP session down')),
      { what: 'the incident' },
    );
    const { context, page, errors } = await openConsole(browser, hub, { operator: OPERATOR });
    try {
      await page.locator(`[data-testid="incident-row"][data-incident-id="${incident.id}"]`).click({ timeout: SOON });
      const detail = page.locator(`[data-testid="incident-detail"][data-incident-id="${incident.id}"]`);
      await detail.getByTestId('action-notice').click();
      const dialog = page.getByTestId('notice-dialog');

      // The hub's draft: the first notice of the incident, about it, to every channel.
      const what = dialog.getByTestId('notice-what');
      await what.waitFor({ timeout: SOON });
      assert.equal(await what.inputValue(), incident.title);
      assert.equal(await dialog.getByTestId('notice-kind-initial').isChecked(), true);
      assert.equal(await dialog.locator('[data-testid="notice-channel"][data-channel="duty-chat"]').isChecked(), true);
      assert.match(await dialog.getByTestId('notice-next-minutes').inputValue(), /^\d+$/);

      // Drafting again replaces what the operator typed with the hub's draft.
      await what.fill('scratch');
      await dialog.getByTestId('notice-redraft').click();
      await page.waitForFunction(
        (title) => document.querySelector('[data-testid="notice-what"]')?.value === title,
        incident.title,
        { timeout: SOON },
      );

      // The operator corrects the impact; both previews follow.
      await dialog.getByTestId('notice-impact').fill(IMPACT);
      const zh = dialog.getByTestId('notice-preview-zh');
      const en = dialog.getByTestId('notice-preview-en');
      await zh.filter({ hasText: `影响:${IMPACT}` }).waitFor({ timeout: SOON });
      await en.filter({ hasText: `Impact: ${IMPACT}` }).waitFor({ timeout: SOON });
      const zhText = await zh.textContent();
      const enText = await en.textContent();
      assert.match(zhText, new RegExp(`^\\[NOC\\] 【首报】【P2 严重】故障 #${incident.id}:E2E BGP session down`));
      for (const label of ['事件:', '影响:', '处置:', '1-5-10:', '下次更新:']) assert.ok(zhText.includes(label), `${label} in ${zhText}`);
      assert.match(enText, /^\[NOC\] \[Initial notice\]/);

      await dialog.getByTestId('notice-send').click();
      const delivery = dialog.locator('[data-testid="notice-delivery"][data-channel="duty-chat"]');
      await delivery.waitFor({ timeout: SOON });
      assert.equal(await delivery.getAttribute('data-ok'), 'true');

      // The gateway got one message: Chinese, a blank line, English, as previewed.
      const notices = received.filter((m) => m.trigger === 'notice');
      assert.equal(notices.length, 1);
      assert.equal(notices[0].channel, 'duty-chat');
      assert.equal(notices[0].text, `${zhText}\n\n${enText}`);

      await dialog.getByTestId('notice-close').click();
      await dialog.waitFor({ state: 'detached' });
      const entry = detail.locator('[data-testid="timeline-entry"][data-kind="notice_sent"]');
      await entry.waitFor({ timeout: SOON });
      const line = await entry.textContent();
      assert.ok(line.includes('Initial notice'), line);
      assert.ok(line.includes('duty-chat delivered'), line);
      assert.ok(line.includes(OPERATOR), line);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
