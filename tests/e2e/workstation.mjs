// One operator's workstation on a hub, for the tests where several operators work at once:
// each has its own browser context, so its own localStorage and operator name.

const SOON = 60_000;

/** Resolves once the console's stream to the hub is live. */
export function live(page) {
  return page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: SOON });
}

/**
 * The console at `url` + `hash` as `operator`, in `language` and `theme` (null: the
 * console's own choice); resolves after `ready` (by default, once the stream is live).
 */
export async function openWorkstation(browser, url, operator, { language = 'en', theme = null, hash = '', ready = live } = {}) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.addInitScript(
    ([name, code, look]) => {
      localStorage.setItem('noc.language', code);
      localStorage.setItem('noc.operator', name);
      if (look !== null) localStorage.setItem('noc.theme', look);
    },
    [operator, language, theme],
  );
  const page = await context.newPage();
  await page.goto(`${url}${hash}`);
  await ready(page);
  return { context, page };
}
