// Offline review (复盘): a range of the demo's log exported as a recording, replayed in
// the player — scrubbed to two moments whose boards differ and match the hub's frame for
// that moment, played at 1000×, annotated (the note survives a reload) — and a library
// that names the file that does not open instead of hiding it. A drill's recording
// replays with its scorecard as it stood at the moment and as the drill ended.
//   REVIEW_SHOTS=<folder> also writes screenshots of the library and the player (en, zh).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { startHub } from './hub.mjs';
import { openWorkstation } from './workstation.mjs';
import { startWebhookHub } from './webhook.mjs';

const SOON = 60_000;
const token = randomBytes(24).toString('hex');
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const shown = (testid) => (page) => page.getByTestId(testid).waitFor({ timeout: SOON });

let hub;
let browser;

before(async () => {
  // Fast enough that incidents open and clear within seconds.
  hub = await startHub({ token, demoSpeed: 300 });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.stop();
});

async function api(method, path, body) {
  const response = await fetch(`${hub.origin}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text === '' ? null : JSON.parse(text);
}

/** The incidents on the replayed board, as rendered: id → status. */
async function boardRows(page) {
  return page.getByTestId('review-incident').evaluateAll((rows) =>
    Object.fromEntries(rows.map((row) => [row.dataset.id, row.dataset.status])),
  );
}

/** Waits until the board shows the frame of the moment the player is at, and returns both. */
async function settled(page) {
  const moment = page.getByTestId('review-moment');
  await page.getByTestId('review-loading-frame').waitFor({ state: 'detached', timeout: SOON });
  const at = Number(await moment.getAttribute('data-at'));
  await page.locator(`[data-testid="review-board"][data-at="${at}"]`).waitFor({ timeout: SOON });
  return at;
}

/** The rendered board agrees with the hub's frame for `at`: same seq, same incidents. */
async function assertBoardIsFrame(page, id, at) {
  const frame = await api('GET', `/api/recordings/${id}/frame?at=${at}`);
  const board = page.getByTestId('review-board');
  assert.equal(Number(await board.getAttribute('data-seq')), frame.seq, 'the board shows the frame of its moment');
  const rows = await boardRows(page);
  const expected = Object.fromEntries(frame.snapshot.incidents.map((i) => [String(i.id), i.status]));
  // The list renders the rows in view: each one is the frame's, in the frame's status.
  for (const [incident, status] of Object.entries(rows)) assert.equal(status, expected[incident], `INC-${incident} at ${at}`);
  assert.equal(Object.keys(rows).length, Math.min(Object.keys(expected).length, Object.keys(rows).length));
  if (Object.keys(expected).length === 0) await page.getByTestId('review-no-incidents').waitFor();
  else assert.ok(Object.keys(rows).length > 0, 'incidents at this moment are listed');
  return { rows, frame };
}

test('a recording is scrubbed, played, annotated; a damaged file is named', { timeout: 240_000 }, async () => {
  const info = await api('GET', '/api/info');
  // Let the demo raise, group and clear for a while, so the board differs along the range.
  await sleep(15_000);
  const recording = await api('POST', '/api/recordings', {
    from: info.started_at,
    to: Date.now() - 500,
    title: 'Demo shift under review',
  });
  assert.ok(recording.events > 0, 'the range holds events');
  const id = recording.id;

  const { context, page } = await openWorkstation(browser, hub.url, 'reviewer', {
    hash: `#/review/${id}`,
    theme: 'dark',
    ready: shown('review-player'),
  });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.getByTestId('review-title').filter({ hasText: 'Demo shift under review' }).waitFor({ timeout: SOON });

  // The player opens at the start; the address carries the moment.
  const start = await settled(page);
  assert.equal(start, recording.from_at);
  assert.equal(new URL(page.url()).hash, `#/review/${id}?at=${start}`);

  // A stretch of the range whose board differs from the board at the end, found through
  // the hub's frames, is where the handle is dragged to.
  const spanMs = recording.to_at - recording.from_at;
  const incidentsAt = async (at) => {
    const frame = await api('GET', `/api/recordings/${id}/frame?at=${Math.floor(at)}`);
    return JSON.stringify(frame.snapshot.incidents.map((i) => [i.id, i.status]).sort());
  };
  const atEnd = await incidentsAt(recording.to_at);
  const SLICES = 40;
  const differs = [];
  for (let i = 0; i <= SLICES; i++) differs.push((await incidentsAt(recording.from_at + (spanMs * i) / SLICES)) !== atEnd);
  const slice = differs.findIndex((d, i) => i > 0 && d && differs[i - 1] && differs[i + 1]);
  assert.ok(slice > 0, 'the demo changed the board during the range');
  const target = slice / SLICES;

  // Dragging the handle along the track moves the moment.
  const track = page.getByTestId('review-track');
  const box = await track.boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 2, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * (target / 2), y, { steps: 8 });
  await page.mouse.move(box.x + box.width * target, y, { steps: 8 });
  await page.mouse.up();
  const middle = await settled(page);
  assert.ok(Math.abs(middle - (recording.from_at + spanMs * target)) < spanMs / SLICES / 2, `dragged to ${target} (${middle})`);
  const first = await assertBoardIsFrame(page, id, middle);

  // The keyboard: a step back, then End.
  await track.press('ArrowLeft');
  const stepped = await settled(page);
  assert.equal(stepped, Math.max(recording.from_at, Math.floor(middle - Math.max(1_000, spanMs / 200))));
  await track.press('End');
  const end = await settled(page);
  assert.equal(end, recording.to_at);
  const last = await assertBoardIsFrame(page, id, end);
  assert.notDeepEqual(last.rows, first.rows, 'the board changes between the two moments');
  assert.notEqual(last.frame.seq, first.frame.seq);

  // The topology is drawn as it was, with the frame's alarms on it.
  await page.locator('[data-testid="review-topology"][data-node-count]').waitFor();
  assert.ok(Number(await page.getByTestId('review-topology').getAttribute('data-node-count')) > 0);

  // Playing at 1000× from the start moves the moment on by itself, to the end.
  await track.press('Home');
  await settled(page);
  await page.getByTestId('review-speed-1000').click();
  await page.getByTestId('review-play').click();
  await page.waitForFunction(
    (from) => Number(document.querySelector('[data-testid="review-moment"]')?.getAttribute('data-at')) > from,
    recording.from_at,
    { timeout: SOON },
  );
  await page.getByTestId('review-play').waitFor({ timeout: SOON });
  assert.equal(await settled(page), recording.to_at, 'played to the end, then paused');

  // A note at a moment: on the track and in the list, and still there after a reload.
  await track.press('Home');
  await page.getByTestId('review-note-text').fill('Detection took too long here — check the probe interval');
  await page.getByTestId('review-note-add').click();
  await page.getByTestId('review-note-mark').first().waitFor({ timeout: SOON });
  await page.reload();
  await page.getByTestId('review-title').waitFor({ timeout: SOON });
  await page.getByTestId('review-note-mark').first().waitFor({ timeout: SOON });
  await page.getByTestId('review-note').filter({ hasText: 'check the probe interval' }).waitFor();
  const timeline = await api('GET', `/api/recordings/${id}`);
  assert.equal(timeline.annotations.length, 1);
  assert.equal(timeline.annotations[0].at, recording.from_at);
  assert.notEqual(timeline.annotations[0].by, '', 'a note says who wrote it');

  // The library: the recording, a download under its name, and the files that do not open.
  const original = await readFile(join(hub.data, 'recordings', `${id}.nocrec`));
  await writeFile(join(hub.data, 'recordings', 'cut-short.nocrec'), original.subarray(0, Math.floor(original.length / 2)));
  await page.getByTestId('review-back').click();
  const row = page.locator(`[data-testid="review-recording"][data-id="${id}"]`);
  await row.waitFor({ timeout: SOON });
  const downloaded = page.waitForEvent('download');
  await row.getByTestId('review-download').click();
  const download = await downloaded;
  assert.equal(download.suggestedFilename(), `${id}.nocrec`);
  // The downloaded file opens again, kept under the name it is opened with.
  await page.getByTestId('review-import-file').setInputFiles({
    name: 'copy-from-elsewhere.nocrec',
    mimeType: 'application/octet-stream',
    buffer: await readFile(await download.path()),
  });
  await page.locator('[data-testid="review-recording"][data-id="copy-from-elsewhere"]').waitFor({ timeout: SOON });
  assert.match(await page.getByTestId('review-notice').textContent(), /Demo shift under review/);
  const damaged = page.locator('[data-testid="review-damaged-file"][data-file="cut-short.nocrec"]');
  await damaged.waitFor({ timeout: SOON });
  assert.match(await damaged.textContent(), /cut-short\.nocrec: \S/);

  // A file that is not a recording is refused in words.
  await page.getByTestId('review-import-file').setInputFiles({
    name: 'notes.nocrec',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('these are my notes, not a recording\n'),
  });
  const refusal = page.getByTestId('review-notice').filter({ hasText: 'notes.nocrec' });
  await refusal.waitFor({ timeout: SOON });
  assert.match(await refusal.textContent(), /not a recording/i);

  // A duty manager exports a range through the dialog; the new recording opens.
  await page.getByTestId('review-export').click();
  const dialog = page.getByTestId('review-export-dialog');
  await dialog.waitFor();
  const local = (at) => {
    const d = new Date(at);
    const two = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  };
  await dialog.getByTestId('review-export-from').fill(local(recording.from_at + 2_000));
  await dialog.getByTestId('review-export-to').fill(local(recording.to_at));
  await dialog.getByTestId('review-export-title').fill('夜班复盘 night shift');
  await dialog.getByTestId('review-export-save').click();
  await page.getByTestId('review-title').filter({ hasText: '夜班复盘 night shift' }).waitFor({ timeout: SOON });
  const exported = (await api('GET', '/api/recordings')).recordings.find((r) => r.title === '夜班复盘 night shift');
  assert.equal(exported.from_at, Math.floor((recording.from_at + 2_000) / 1000) * 1000);
  assert.ok(page.url().includes(`#/review/${exported.id}`));

  assert.deepEqual(errors, []);
  await context.close();

  if (process.env.REVIEW_SHOTS) await screenshots(process.env.REVIEW_SHOTS, id, middle);
});

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

test('a drill recording replays with its scorecard', { timeout: 240_000 }, async () => {
  const drillHub = await startWebhookHub();
  try {
    await drillHub.api('POST', '/api/topology/import?name=e2e-review.json&format=json', ESTATE);
    await drillHub.api('POST', '/api/drills', { scenario: 'core-switch-down' });
    let incident = null;
    const deadline = Date.now() + SOON;
    while (incident === null) {
      incident = (await drillHub.api('GET', '/api/drills/current')).drill.incident;
      if (incident === null && Date.now() > deadline) throw new Error('the drill opened no incident');
      await sleep(250);
    }
    // Worked through the drill console's API by one operator: acknowledged, then a comment.
    const bulk = (action, text) =>
      drillHub.api('POST', '/drill/api/incidents/bulk', { action, incidents: [incident], text }, 'wang');
    assert.ok((await bulk('acknowledge')).results[0].ok);
    await sleep(1_500);
    assert.ok((await bulk('comment', 'core switch sw-core-north-01 suspected')).results[0].ok);
    await sleep(1_000);
    const ended = await drillHub.api('POST', '/api/drills/current/end', { reason: 'review test' });
    const { recording } = ended;
    assert.equal(recording.kind, 'drill');

    const { context, page } = await openWorkstation(browser, drillHub.url, 'reviewer', {
      hash: `#/review/${recording.id}`,
      theme: 'dark',
      ready: shown('review-player'),
    });
    // At the start nothing is achieved yet; at the end the acknowledgement is met, and the
    // root cause, never identified, is still open.
    const scorecard = page.getByTestId('review-scorecard');
    await scorecard.waitFor({ timeout: SOON });
    await settled(page);
    const acknowledge = scorecard.locator('[data-testid="review-phase"][data-phase="acknowledge"]');
    assert.equal(await acknowledge.getAttribute('data-verdict'), 'pending');
    await page.getByTestId('review-track').press('End');
    await settled(page);
    await scorecard.locator('[data-testid="review-phase"][data-phase="acknowledge"][data-verdict="met"]').waitFor({ timeout: SOON });
    await scorecard.locator('[data-testid="review-root-cause"][data-matches="null"]').waitFor({ timeout: SOON });
    assert.equal(await scorecard.getByTestId('review-phase').count(), 5);
    // The operator's acknowledgement and comment are on the timeline, by name.
    await page.getByTestId('review-action').filter({ hasText: 'wang' }).first().waitFor({ timeout: SOON });
    assert.ok((await page.getByTestId('review-action-mark').count()) >= 2);
    // The final scorecard is the one the drill ended with.
    await page.getByTestId('review-track').press('Home');
    await settled(page);
    await scorecard.getByRole('button', { name: 'Final' }).click();
    await page.locator('[data-testid="review-scorecard"][data-which="final"] [data-testid="review-phase"][data-phase="acknowledge"][data-verdict="met"]').waitFor();
    await context.close();

    if (process.env.REVIEW_SHOTS) {
      for (const language of ['en', 'zh']) {
        const shot = await openWorkstation(browser, drillHub.url, 'reviewer', {
          language,
          theme: 'dark',
          hash: `#/review/${recording.id}?at=${recording.to_at}`,
          ready: shown('review-scorecard'),
        });
        await sleep(800);
        await shot.page.screenshot({ path: join(process.env.REVIEW_SHOTS, `review-drill-${language}.png`) });
        await shot.context.close();
      }
    }
  } finally {
    await drillHub.stop();
  }
});

async function screenshots(folder, id, at) {
  await mkdir(folder, { recursive: true });
  for (const language of ['en', 'zh']) {
    const library = await openWorkstation(browser, hub.url, 'reviewer', {
      language,
      theme: 'dark',
      hash: '#/review',
      ready: shown('review-library'),
    });
    await library.page.getByTestId('review-recording').first().waitFor({ timeout: SOON });
    await library.page.screenshot({ path: join(folder, `review-library-${language}.png`) });
    await library.context.close();
    const player = await openWorkstation(browser, hub.url, 'reviewer', {
      language,
      theme: 'dark',
      hash: `#/review/${id}?at=${at}`,
      ready: shown('review-player'),
    });
    await player.page.locator(`[data-testid="review-board"][data-at="${at}"]`).waitFor({ timeout: SOON });
    await sleep(800);
    await player.page.screenshot({ path: join(folder, `review-player-${language}.png`) });
    await player.context.close();
  }
  const light = await openWorkstation(browser, hub.url, 'reviewer', {
    theme: 'light',
    hash: `#/review/${id}?at=${at}`,
    ready: shown('review-player'),
  });
  await light.page.locator(`[data-testid="review-board"][data-at="${at}"]`).waitFor({ timeout: SOON });
  await sleep(800);
  await light.page.screenshot({ path: join(folder, 'review-player-en-light.png') });
  await light.context.close();
}
