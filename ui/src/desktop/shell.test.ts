import { afterEach, describe, expect, it, vi } from 'vitest';
import { hasShell, probeHub, storeWallToken, trustHub } from './shell';

type Global = Record<string, unknown>;

afterEach(() => {
  delete (globalThis as Global)['__TAURI_INTERNALS__'];
});

describe('the hub choice in the desktop app', () => {
  it('hands the compared fingerprint to the shell as the operator saw it', async () => {
    const invoke = vi.fn(async () => undefined);
    (globalThis as Global)['__TAURI_INTERNALS__'] = { invoke };
    expect(hasShell()).toBe(true);
    await trustHub({ url: 'https://noc-hub:7443', fingerprint: 'AB:CD', certified: false });
    expect(invoke).toHaveBeenCalledWith('hub_trust', {
      url: 'https://noc-hub:7443',
      fingerprint: 'AB:CD',
      certified: false,
    });
    await storeWallToken('');
    expect(invoke).toHaveBeenLastCalledWith('hub_wall_token', { token: '' });
  });

  it('shows the shell’s refusal in its own words', async () => {
    const refusal = "the hub's certificate changed: expected AA got BB; if it was replaced on purpose, trust the new one";
    (globalThis as Global)['__TAURI_INTERNALS__'] = { invoke: async () => Promise.reject(refusal) };
    await expect(probeHub('https://noc-hub:7443')).rejects.toThrow(refusal);
  });
});

describe('in a browser', () => {
  it('has no shell to ask', async () => {
    expect(hasShell()).toBe(false);
    await expect(probeHub('https://noc-hub:7443')).rejects.toThrow('not in the desktop app');
  });
});
