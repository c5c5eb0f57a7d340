// The topology screen: an imported estate drawn at the hub's positions, its live status
// overlay following alarms as they fire and clear, an incident's root centred from a
// link, search, the two views, folding a site, and a dragged node staying put.
//
// The canvas is read through the page's test probe (`window.__nocTopology`, installed
// only when localStorage `noc.topologyProbe` is "1") and the canvas element's data
// attributes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { startWebhookHub } from './duty.mjs';

const SOON = 60_000;
const OPERATOR = 'Topo Wang';

const node = (id, name, kind, layer, extra = {}) => ({ id, name, kind, layer, ...extra });
const ESTATE = {
  nodes: [
    node('shop', 'Web shop', 'business_system', 'saas'),
    node('checkout', 'Checkout API', 'service', 'saas'),
    node('orders-db', 'Orders database', 'database', 'paas', { aliases: ['10.9.0.5', 'orders-db.dc-e2e'] }),
    node('e2e-h1', 'Host one', 'host', 'iaas'),
    node('e2e-h2', 'Host two', 'host', 'iaas'),
    node('e2e-sw', 'Top-of-rack switch', 'network_device', 'iaas'),
    node('rack-a', 'Rack A', 'rack', 'iaas'),
    node('dc-e2e', 'Datacentre E2E', 'site', 'iaas'),
  ],
  relations: [
    { from: 'shop', to: 'checkout', kind: 'depends_on' },
    { from: 'checkout', to: 'orders-db', kind: 'depends_on' },
    { from: 'checkout', to: 'e2e-h2', kind: 'runs_on' },
    { from: 'orders-db', to: 'e2e-h1', kind: 'runs_on' },
    { from: 'e2e-h1', to: 'e2e-sw', kind: 'connects_to' },
    { from: 'e2e-h2', to: 'e2e-sw', kind: 'connects_to' },
    { from: 'e2e-h1', to: 'rack-a', kind: 'located_in' },
    { from: 'e2e-h2', to: 'rack-a', kind: 'located_in' },
    { from: 'e2e-sw', to: 'rack-a', kind: 'located_in' },
    { from: 'rack-a', to: 'dc-e2e', kind: 'located_in' },
  ],
};
const INFRASTRUCTURE = ['e2e-h1', 'e2e-h2', 'e2e-sw', 'rack-a', 'dc-e2e'];

let hub;
let browser;

before(async () => {
  hub = await startWebhookHub();
  browser = await launchChromium();
  await hub.api('POST', '/api/topology/import?name=e2e-estate.json&format=json', ESTATE, OPERATOR);
  // The hub places new nodes on both views by itself; the screen draws only placed nodes.
  await placed((n) => n.positions?.layered !== undefined && (!INFRASTRUCTURE.includes(n.id) || n.positions?.network !== undefined));
});

after(async () => {
  await browser?.close();
  await hub?.stop();
});

/** Waits until every node of the estate satisfies `done`; answers the topology. */
async function placed(done) {
  const deadline = Date.now() + SOON;
  for (;;) {
    const topology = await hub.api('GET', '/api/topology');
    const ours = topology.nodes.filter((n) => ESTATE.nodes.some((e) => e.id === n.id));
    if (ours.length === ESTATE.nodes.length && ours.every(done)) return topology;
    if (Date.now() > deadline) throw new Error('the hub did not place the estate in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function openTopology(hash = '') {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.addInitScript((name) => {
    localStorage.setItem('noc.language', 'en');
    localStorage.setItem('noc.operator', name);
    localStorage.setItem('noc.topologyProbe', '1');
  }, OPERATOR);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${hub.url}#/topology${hash}`);
  await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: SOON });
  await page.locator('[data-testid="topology-canvas"][data-ready="1"]').waitFor({ timeout: SOON });
  return { context, page, errors };
}

const probe = (page, id) => page.evaluate((n) => window.__nocTopology.node(n), id);

/** Waits until the probe's answer for `id` satisfies `done`. */
async function until(page, id, done, what) {
  const deadline = Date.now() + SOON;
  for (;;) {
    const found = await probe(page, id);
    if (found !== null && done(found)) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(found)}`);
    await page.waitForTimeout(100);
  }
}

describe('topology screen', () => {
  test('the overlay follows an alarm on a node alias, and a link to its incident centres on the root', { timeout: SOON * 4 }, async () => {
    const { context, page, errors } = await openTopology();
    try {
      assert.equal(await page.getByTestId('topology-canvas').getAttribute('data-node-count'), String(ESTATE.nodes.length));
      const quiet = await probe(page, 'orders-db');
      assert.equal(quiet.classes.some((c) => c.startsWith('st-')), false);

      // The alarm names the database by its IP address.
      await hub.send([{ key: 'db/down', node: '10.9.0.5', title: 'Orders DB not answering', severity: 'critical' }]);
      const firing = await until(page, 'orders-db', (n) => n.classes.includes('st-critical'), 'the critical overlay');
      assert.ok(firing.label.startsWith('✖ '), `a severity mark before the name: ${firing.label}`);
      await until(page, 'orders-db', (n) => n.classes.includes('pulse'), 'the unacknowledged pulse');

      const incident = await hub.waitForState((s) => s.incidents.find((i) => i.alarms.length > 0 && i.status === 'open'), {
        what: 'the incident',
      });
      await until(page, 'orders-db', (n) => n.classes.includes('root'), 'the root-cause ring');

      // A link to the incident: its root selected and centred, the impact shaded.
      const linked = await openTopology(`?incident=${incident.id}`);
      try {
        const canvas = linked.page.getByTestId('topology-canvas');
        await linked.page.locator('[data-testid="topology-canvas"][data-selected="orders-db"]').waitFor({ timeout: SOON });
        const root = await probe(linked.page, 'orders-db');
        assert.equal(root.selected, true);
        // The panel opening beside the canvas resizes it; the view settles on the root.
        const offCentre = () =>
          linked.page.evaluate((at) => {
            const centre = window.__nocTopology.centre();
            return Math.hypot(centre.x - at.x, centre.y - at.y) * window.__nocTopology.zoom();
          }, root.position);
        let off = await offCentre();
        for (const started = Date.now(); off >= 5 && Date.now() - started < SOON; off = await offCentre()) {
          await linked.page.waitForTimeout(100);
        }
        assert.ok(off < 5, `the viewport centre is on the root (${off.toFixed(1)} px away)`);
        await until(linked.page, 'orders-db', (n) => n.classes.includes('failing'), 'the failing shade');
        const unaffected = await until(linked.page, 'e2e-h2', (n) => n.classes.includes('shade') || n.classes.includes('blast'), 'the impact shading');
        assert.ok(unaffected.classes.length > 0);
        await linked.page.getByTestId('topology-incident').waitFor();
        assert.ok((await canvas.getAttribute('data-node-count')) === String(ESTATE.nodes.length));
        assert.deepEqual(linked.errors, []);
      } finally {
        await linked.context.close();
      }

      await hub.send([{ key: 'db/down', node: '10.9.0.5', title: 'Orders DB not answering', status: 'resolved' }]);
      const cleared = await until(page, 'orders-db', (n) => !n.classes.some((c) => c.startsWith('st-')), 'the overlay to clear');
      assert.equal(cleared.label, 'Orders database');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('search selects and centres a node; the network view nests and folds a site', { timeout: SOON * 3 }, async () => {
    const { context, page, errors } = await openTopology();
    try {
      const canvas = page.getByTestId('topology-canvas');
      await page.keyboard.press('/');
      await page.getByTestId('topology-search').pressSequentially('orders-db.dc');
      await page.locator('[data-testid="topology-search-hit"][data-node="orders-db"]').click();
      await page.locator('[data-testid="topology-canvas"][data-selected="orders-db"]').waitFor({ timeout: SOON });
      assert.equal((await probe(page, 'orders-db')).selected, true);
      assert.match(page.url(), /node=orders-db/);
      await page.keyboard.press('Escape');
      await page.locator('[data-testid="topology-canvas"][data-selected=""]').waitFor();

      await page.getByTestId('topology-view-network').click();
      await page.locator('[data-testid="topology-canvas"][data-view="network"]').waitFor();
      assert.match(page.url(), /view=network/);
      assert.equal(await canvas.getAttribute('data-node-count'), String(INFRASTRUCTURE.length));
      assert.equal(await probe(page, 'checkout'), null, 'services are not on the network view');
      assert.equal((await probe(page, 'e2e-h1')).parent, 'rack-a');
      assert.equal((await probe(page, 'rack-a')).parent, 'dc-e2e');

      // Fold the site: what it holds is hidden and counted on it; unfold brings it back.
      await page.getByTestId('topology-search').fill('dc-e2e');
      await page.keyboard.press('Enter');
      await page.locator('[data-testid="topology-canvas"][data-selected="dc-e2e"]').waitFor();
      await page.getByTestId('topology-fold').click();
      await page.locator('[data-testid="topology-canvas"][data-folded="dc-e2e"]').waitFor();
      assert.equal((await probe(page, 'e2e-h1')).visible, false);
      assert.match((await probe(page, 'dc-e2e')).label, /\(4\)$/);
      await page.getByTestId('topology-fold').click();
      await page.locator('[data-testid="topology-canvas"][data-folded=""]').waitFor();
      const unfolded = await probe(page, 'e2e-h1');
      assert.equal(unfolded.visible, true, JSON.stringify(unfolded));

      await page.getByTestId('topology-view-layered').click();
      await page.locator('[data-testid="topology-canvas"][data-view="layered"]').waitFor();
      assert.equal(await canvas.getAttribute('data-node-count'), String(ESTATE.nodes.length));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a dragged node keeps its new place after a reload', { timeout: SOON * 3 }, async () => {
    const { context, page, errors } = await openTopology();
    try {
      const before = await probe(page, 'e2e-sw');
      const box = await page.getByTestId('topology-canvas').boundingBox();
      const from = { x: box.x + before.rendered.x, y: box.y + before.rendered.y };
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(from.x + 90, from.y + 60, { steps: 12 });
      await page.mouse.up();
      const moved = await probe(page, 'e2e-sw');
      assert.ok(Math.hypot(moved.position.x - before.position.x, moved.position.y - before.position.y) > 10, 'the node moved on screen');

      const saved = await placed((n) => {
        if (n.id !== 'e2e-sw') return true;
        const at = n.positions.layered;
        return Math.abs(at.x - moved.position.x) < 1 && Math.abs(at.y - moved.position.y) < 1;
      });
      assert.ok(saved.nodes.length >= ESTATE.nodes.length);

      await page.reload();
      await page.locator('[data-testid="topology-canvas"][data-ready="1"]').waitFor({ timeout: SOON });
      const again = await probe(page, 'e2e-sw');
      assert.ok(Math.abs(again.position.x - moved.position.x) < 1 && Math.abs(again.position.y - moved.position.y) < 1);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
