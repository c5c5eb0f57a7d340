// The topology's panels and tools in the browser: a file imported through the tools, a
// bad file refused naming its line, a node and a relation added through the dialogs, a
// cycle refused with the hub's reason, the node panel's alarms, neighbours and impact
// path, the incident detail's impact, and "Show on topology" selecting the root.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { launchChromium } from './chromium.mjs';
import { openConsole, startWebhookHub } from './duty.mjs';

// Bounds for behaviour that depends on the machine's pace, not expectations of speed.
const SOON = 60_000;
const OPERATOR = 'Duty Wang';

const ESTATE = `nodes:
  - id: sys-banking
    name: Online banking
    kind: business_system
  - id: svc-payment
    name: svc-payment
    kind: service
  - id: db-orders-01
    name: db-orders-01
    kind: database
  - id: host-db-01
    name: host-db-01
    kind: host
    aliases: [10.20.0.5]
    owners: [dba-team]
relations:
  - {from: sys-banking, to: svc-payment, kind: depends_on}
  - {from: svc-payment, to: db-orders-01, kind: depends_on}
  - {from: db-orders-01, to: host-db-01, kind: runs_on}
`;

// Line 7 names a kind that does not exist.
const BROKEN = `nodes:
  - id: a
    name: A
    kind: host
  - id: b
    name: B
    kind: hots
`;

let hub;
let browser;
let database;

before(async () => {
  // A port that answers, so that the probe placed on the host stays quiet.
  database = createServer((socket) => socket.end());
  await new Promise((done) => database.listen(0, '127.0.0.1', done));
  const probe = `[[tcp_probe]]\nname = "db-port"\nhost = "127.0.0.1"\nport = ${database.address().port}\nnode = "host-db-01"\ninterval_secs = 60\n`;
  hub = await startWebhookHub({ extra: probe });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.stop();
  database?.close();
});

async function openTool(page, tool, dialog) {
  await page.getByTestId(`tool-${tool}`).click();
  const opened = page.getByTestId(dialog);
  await opened.waitFor();
  return opened;
}

async function importFile(page, name, text) {
  const dialog = await openTool(page, 'import', 'import-dialog');
  await dialog.getByTestId('import-file').setInputFiles({ name, mimeType: 'application/yaml', buffer: Buffer.from(text) });
  assert.equal(await dialog.getByTestId('import-name').inputValue(), name);
  assert.equal(await dialog.getByTestId('import-format').inputValue(), 'yaml');
  await dialog.getByTestId('import-dialog-submit').click();
  return dialog;
}

/** Picks a node in a relation dialog's picker by typing part of its name. */
async function pick(dialog, side, text, id) {
  await dialog.getByTestId(`relation-${side}-search`).fill(text);
  await dialog.locator(`[data-testid="relation-${side}-match"][data-node-id="${id}"]`).click();
  await dialog.locator(`[data-testid="relation-${side}-chosen"][data-node-id="${id}"]`).waitFor();
}

async function showNode(page, id) {
  await page.evaluate((node) => (location.hash = `#/topology?node=${encodeURIComponent(node)}`), id);
  const panel = page.locator(`[data-testid="node-panel"][data-node-id="${id}"]`);
  await panel.waitFor({ timeout: SOON });
  return panel;
}

describe('topology panels and tools', () => {
  test('import, edit, refusals, alarms and impact from the topology to the incident and back', { timeout: SOON * 8 }, async () => {
    const { context, page, errors } = await openConsole(browser, hub, { operator: OPERATOR, hash: '#/topology' });
    try {
      await page.getByTestId('topology-tools').waitFor({ timeout: SOON });

      // A good file: its nodes and relations arrive.
      let dialog = await importFile(page, 'estate.yaml', ESTATE);
      await dialog.getByTestId('import-done').filter({ hasText: '4 nodes, 3 relations' }).waitFor({ timeout: SOON });
      await dialog.getByTestId('import-dialog-close').click();
      await page.locator('[data-testid="topology-count"][data-nodes="4"][data-relations="3"]').waitFor({ timeout: SOON });

      // A bad file: refused, with the hub's message naming the file and the line.
      dialog = await importFile(page, 'broken.yaml', BROKEN);
      const refusal = dialog.getByTestId('import-dialog-refusal');
      await refusal.waitFor({ timeout: SOON });
      assert.match(await refusal.innerText(), /broken\.yaml line 7: unknown kind hots/);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await page.getByTestId('topology-count').getAttribute('data-nodes'), '4');

      // A node through the dialog: an id that exists is caught before sending.
      dialog = await openTool(page, 'add-node', 'node-dialog');
      await dialog.getByTestId('node-id').fill('db-orders-01');
      await dialog.getByTestId('node-name').fill('duplicate');
      await dialog.getByTestId('node-dialog-submit').click();
      await dialog.locator('.problem').filter({ hasText: 'exists already' }).waitFor();
      await dialog.getByTestId('node-id').fill('cache-01');
      await dialog.getByTestId('node-name').fill('cache-01 <redis>');
      await dialog.getByTestId('node-kind').selectOption('middleware');
      assert.equal(await dialog.getByTestId('node-layer').inputValue(), 'paas', 'the kind puts it on its usual layer');
      await dialog.getByTestId('node-owners').fill('cache-team');
      await dialog.getByTestId('node-attributes').fill('version=7.2');
      await dialog.getByTestId('node-dialog-submit').click();
      await dialog.waitFor({ state: 'detached', timeout: SOON });
      await page.locator('[data-testid="topology-count"][data-nodes="5"]').waitFor({ timeout: SOON });

      // A relation through the dialog, found by searching names.
      dialog = await openTool(page, 'add-relation', 'relation-dialog');
      await pick(dialog, 'from', 'svc-pay', 'svc-payment');
      await dialog.getByTestId('relation-kind').selectOption('depends_on');
      await pick(dialog, 'to', 'cache', 'cache-01');
      await dialog.getByTestId('relation-dialog-submit').click();
      await dialog.waitFor({ state: 'detached', timeout: SOON });

      let panel = await showNode(page, 'cache-01');
      await panel.getByTestId('node-panel-name').filter({ hasText: 'cache-01 <redis>' }).waitFor();
      assert.equal(await panel.locator('[data-testid="node-panel-name"] redis').count(), 0, 'a name is text, not markup');
      await panel.getByTestId('node-panel-origins').filter({ hasText: 'an operator’s edit' }).waitFor();
      await panel.getByTestId('node-panel-owners').filter({ hasText: 'cache-team' }).waitFor();
      await panel.getByTestId('node-panel-attributes').filter({ hasText: '7.2' }).waitFor();

      // Edited from its panel: the id stays, the rest is the operator's.
      await panel.getByTestId('node-panel-edit').click();
      dialog = page.getByTestId('node-dialog');
      assert.equal(await dialog.getByTestId('node-id').getAttribute('readonly'), '');
      assert.equal(await dialog.getByTestId('node-attributes').inputValue(), 'version=7.2');
      await dialog.getByTestId('node-attributes').fill('version=7.2\nnot a pair');
      await dialog.getByTestId('node-dialog-submit').click();
      await dialog.locator('.problem').filter({ hasText: 'line 2' }).waitFor();
      await dialog.getByTestId('node-attributes').fill('version=7.4');
      await dialog.getByTestId('node-dialog-submit').click();
      await dialog.waitFor({ state: 'detached', timeout: SOON });
      await panel.getByTestId('node-panel-attributes').filter({ hasText: '7.4' }).waitFor({ timeout: SOON });
      const neededBy = panel.locator('[data-testid="neighbour-group"][data-kind="depends_on"][data-direction="in"]');
      await neededBy.locator('[data-testid="neighbour"][data-node-id="svc-payment"]').waitFor({ timeout: SOON });
      // Its impact reaches the business system through the service.
      await panel.locator('[data-testid="node-panel-system"][data-node-id="sys-banking"]').waitFor({ timeout: SOON });

      // A cycle: the database needing the business system that needs it.
      dialog = await openTool(page, 'add-relation', 'relation-dialog');
      await pick(dialog, 'from', 'db-orders', 'db-orders-01');
      await pick(dialog, 'to', 'banking', 'sys-banking');
      await dialog.getByTestId('relation-dialog-submit').click();
      const refused = dialog.getByTestId('relation-dialog-refusal');
      await refused.waitFor({ timeout: SOON });
      assert.match(await refused.innerText(), /invalid_request: .*cycle/);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      assert.equal(await page.getByTestId('topology-count').getAttribute('data-relations'), '4');

      // Clicking a neighbour moves the panel to it.
      await neededBy.locator('[data-testid="neighbour"][data-node-id="svc-payment"]').click();
      panel = page.locator('[data-testid="node-panel"][data-node-id="svc-payment"]');
      await panel.waitFor({ timeout: SOON });

      // An alarm naming the host by its IP address belongs to the host.
      await hub.send([{ key: 'host-db-01/down', node: '10.20.0.5', title: 'Host unreachable', severity: 'critical' }]);
      const incident = await hub.waitForState(
        (state) => {
          const alarm = state.alarms.find((a) => a.fingerprint.endsWith('host-db-01/down'));
          return alarm?.incident == null ? undefined : state.incidents.find((i) => i.id === alarm.incident);
        },
        { what: 'the incident of the host alarm' },
      );
      panel = await showNode(page, 'host-db-01');
      await panel.getByTestId('node-panel-aliases').filter({ hasText: '10.20.0.5' }).waitFor();
      await panel.getByTestId('node-panel-source').filter({ hasText: 'db-port' }).waitFor({ timeout: SOON });
      await panel.getByTestId('node-panel-alarm').filter({ hasText: 'Host unreachable' }).waitFor({ timeout: SOON });
      await panel.locator(`[data-testid="node-panel-incident"][data-incident-id="${incident.id}"]`).waitFor({ timeout: SOON });
      const system = panel.locator('[data-testid="node-panel-system"][data-node-id="sys-banking"]');
      await system.waitFor({ timeout: SOON });
      const path = await system.getByTestId('impact-path').innerText();
      assert.match(
        path.replace(/\s+/g, ' '),
        /host-db-01 ← runs on — db-orders-01 ← depends on — svc-payment ← depends on — Online banking/,
      );

      // From the alarm to the incident's detail, which names the business system.
      await panel.getByTestId('node-panel-alarm').filter({ hasText: 'Host unreachable' }).click();
      const detail = page.locator(`[data-testid="incident-detail"][data-incident-id="${incident.id}"]`);
      await detail.waitFor({ timeout: SOON });
      const impact = detail.getByTestId('incident-impact');
      await impact.locator('[data-testid="impact-system"][data-node-id="sys-banking"]').waitFor({ timeout: SOON });
      await impact.locator('[data-testid="impact-blast"][data-count="3"]').waitFor({ timeout: SOON });

      // The database failing too joins the incident: the impact follows, without a reload.
      await hub.send([{ key: 'db-orders-01/latency', node: 'db-orders-01', title: 'Query latency high' }]);
      await hub.waitForState(
        (state) => state.incidents.find((i) => i.id === incident.id && i.alarms.length === 2),
        { what: 'the database alarm in the incident' },
      );
      await impact.getByTestId('impact-failing').filter({ hasText: 'db-orders-01' }).waitFor({ timeout: SOON });
      await impact.locator('[data-testid="impact-blast"][data-count="2"]').waitFor({ timeout: SOON });

      // Back to the topology, on the incident's root.
      await impact.getByTestId('show-on-topology').click();
      await page.waitForFunction((id) => location.hash.startsWith('#/topology') && location.hash.includes(`incident=${id}`), incident.id);
      await page.locator('[data-testid="node-panel"][data-node-id="host-db-01"]').waitFor({ timeout: SOON });

      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('exports a file, lays a view out again, removes a relation and a node', { timeout: SOON * 4 }, async () => {
    const { context, page, errors } = await openConsole(browser, hub, { operator: OPERATOR, hash: '#/topology' });
    try {
      const count = page.getByTestId('topology-count');
      await count.waitFor({ timeout: SOON });
      const relations = Number(await count.getAttribute('data-relations'));

      let dialog = await openTool(page, 'export', 'export-dialog');
      await dialog.getByTestId('export-format').selectOption('json');
      const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('export-dialog-submit').click()]);
      assert.match(download.suggestedFilename(), /^topology-\d{4}-\d{2}-\d{2}\.json$/);
      const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
      assert.ok(exported.nodes.some((n) => n.id === 'cache-01'));

      dialog = await openTool(page, 'relayout', 'relayout-dialog');
      await dialog.filter({ hasText: 'Moves every node' }).waitFor();
      await dialog.getByTestId('relayout-dialog-submit').click();
      await dialog.waitFor({ state: 'detached', timeout: SOON });

      dialog = await openTool(page, 'remove-relation', 'remove-relation-dialog');
      await dialog.getByTestId('remove-relation-search').fill('cache');
      await dialog.locator('[data-testid="remove-relation-choice"][data-from="svc-payment"][data-to="cache-01"]').click();
      await dialog.getByTestId('remove-relation-dialog-submit').click();
      await dialog.waitFor({ state: 'detached', timeout: SOON });
      await page.locator(`[data-testid="topology-count"][data-relations="${relations - 1}"]`).waitFor({ timeout: SOON });

      const panel = await showNode(page, 'db-orders-01');
      await panel.getByTestId('node-panel-remove').click();
      dialog = page.getByTestId('remove-node-dialog');
      await dialog.filter({ hasText: 'with its 2 relations' }).waitFor();
      await dialog.getByTestId('remove-node-dialog-submit').click();
      await dialog.waitFor({ state: 'detached', timeout: SOON });
      await page.locator(`[data-testid="topology-count"][data-relations="${relations - 3}"]`).waitFor({ timeout: SOON });
      assert.equal(await page.locator('[data-testid="node-panel"][data-node-id="db-orders-01"]').count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
