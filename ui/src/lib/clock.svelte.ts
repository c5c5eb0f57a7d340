/** Wall-clock "now" for running ages on screen, ticking once a second. */
export const clock = $state({ now: Date.now() });

let ticking = false;

export function startClock(): void {
  if (ticking) return;
  ticking = true;
  setInterval(() => {
    clock.now = Date.now();
  }, 1_000);
}
