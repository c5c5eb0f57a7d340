// Screenshots of signing in and the admin screen at 1600×1000, English and Chinese, dark
// and light: the login screen and its refusals, the navigation with a signed-in operator
// and their menu, a viewer's board without incident actions, the admin screen's tabs.
// Usage: node screenshots-access.mjs <directory>
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { startWebhookHub } from './duty.mjs';

const out = process.argv[2] ?? 'screenshots';
mkdirSync(out, { recursive: true });
const shot = (name) => join(out, `${name}.png`);

const ACCOUNTS = [
  { name: 'wang.fang', display_name: 'Wang Fang', role: 'viewer', password: 'viewer-passphrase-1' },
  { name: 'li.ming', display_name: '李明', role: 'operator', password: 'operator-passphrase-2' },
  { name: 'zhao.lei', display_name: 'Zhao Lei', role: 'duty_manager', password: 'manager-passphrase-3' },
  { name: 'admin', display_name: 'NOC Admin', role: 'admin', password: 'admin-passphrase-4' },
];
const account = (name) => ACCOUNTS.find((a) => a.name === name);

const hub = await startWebhookHub();
const browser = await launchChromium();
try {
  for (const a of ACCOUNTS) await hub.api('POST', '/api/operators', a);
  await hub.api('PATCH', '/api/operators/zhao.lei', { disabled: true });
  await hub.send([
    { key: 'core1/bgp', node: 'core1', title: 'BGP session down on core1', severity: 'critical' },
    { key: 'db1/disk', node: 'db1', title: 'Disk 95% full on db1', severity: 'major' },
  ]);
  await hub.waitForState((s) => s.incidents.length >= 2, { what: 'two incidents' });
  await hub.api('POST', '/api/devices', { name: 'Wall 1 大屏' });

  async function open({ language = 'en', theme = 'dark', hash = '' } = {}) {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await context.addInitScript(
      ([code, look]) => {
        localStorage.setItem('noc.language', code);
        localStorage.setItem('noc.theme', look);
      },
      [language, theme],
    );
    const page = await context.newPage();
    await page.goto(`${hub.origin}/${hash}`);
    await page.getByTestId('login-screen').waitFor();
    return { context, page };
  }
  async function signIn(page, name, password = account(name).password) {
    await page.getByTestId('login-name').fill(name);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-password').press('Enter');
  }
  const live = (page) => page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor();

  for (const [language, theme] of [['en', 'dark'], ['zh', 'dark'], ['en', 'light'], ['zh', 'light']]) {
    const { context, page } = await open({ language, theme });
    await page.screenshot({ path: shot(`login-${language}-${theme}`) });
    await context.close();
  }
  {
    const { context, page } = await open({ language: 'en' });
    await signIn(page, 'li.ming', 'not-the-password');
    await page.getByTestId('login-error').waitFor();
    await page.screenshot({ path: shot('login-wrong-en-dark') });
    await context.close();
  }
  {
    const { context, page } = await open({ language: 'zh' });
    await signIn(page, 'zhao.lei');
    await page.getByTestId('login-error').waitFor();
    await page.screenshot({ path: shot('login-disabled-zh-dark') });
    await context.close();
  }

  for (const language of ['en', 'zh']) {
    const { context, page } = await open({ language });
    await signIn(page, 'li.ming');
    await live(page);
    await page.locator('[data-testid="incident-row"]').first().click();
    await page.getByTestId('acknowledge').waitFor();
    await page.screenshot({ path: shot(`board-operator-${language}-dark`) });
    await page.getByTestId('account-button').click();
    await page.getByTestId('account-password').click();
    await page.screenshot({ path: shot(`nav-menu-${language}-dark`), clip: { x: 900, y: 0, width: 700, height: 480 } });
    await context.close();
  }
  {
    const { context, page } = await open({ language: 'en' });
    await signIn(page, 'wang.fang');
    await live(page);
    await page.locator('[data-testid="incident-row"]').first().click();
    await page.getByTestId('incident-detail').waitFor();
    await page.screenshot({ path: shot('board-viewer-en-dark') });
    await context.close();
  }

  for (const [language, theme] of [['en', 'dark'], ['zh', 'light']]) {
    const { context, page } = await open({ language, theme, hash: '#/admin?tab=operators' });
    await signIn(page, 'admin');
    await page.locator('[data-testid="operator-row"]').first().waitFor();
    await page.screenshot({ path: shot(`admin-operators-${language}-${theme}`) });
    await page.getByTestId('admin-tab-devices').click();
    await page.getByTestId('device-name').fill(language === 'en' ? 'Wall 2 (ops room)' : '2 号大屏');
    await page.getByTestId('device-register').click();
    await page.getByTestId('device-fresh').waitFor();
    await page.screenshot({ path: shot(`admin-devices-${language}-${theme}`) });
    await page.getByTestId('admin-tab-audit').click();
    await page.locator('[data-testid="audit-row"]').first().waitFor();
    await page.screenshot({ path: shot(`admin-audit-${language}-${theme}`) });
    await context.close();
  }
} finally {
  await browser.close();
  await hub.stop();
}
