/**
 * Fetches what an incident panel shows. Live updates can touch an incident many times a
 * second, so one fetch covers what arrives within `settleMs` (throttled rather than
 * debounced: a busy incident still gets its fetch). Only the newest answer lands, and
 * only while the panel still shows the incident it was asked for.
 */
export function settledFetch<T>(options: {
  settleMs: number;
  /** The incident the panel shows now. */
  shown: () => number;
  fetch: (incident: number) => Promise<T>;
  land: (found: T) => void;
  refuse: (error: unknown) => void;
}): { reload: () => void; stop: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wanted = 0;
  let requests = 0;

  async function load() {
    timer = undefined;
    const incident = wanted;
    const ticket = ++requests;
    try {
      const found = await options.fetch(incident);
      if (ticket === requests && incident === options.shown()) options.land(found);
    } catch (e) {
      if (ticket === requests && incident === options.shown()) options.refuse(e);
    }
  }

  return {
    reload() {
      wanted = options.shown();
      timer ??= setTimeout(load, options.settleMs);
    },
    stop() {
      clearTimeout(timer);
    },
  };
}
