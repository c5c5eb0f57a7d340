// The desktop shell's hub choice, through its Tauri commands (src-tauri/src/remote.rs).
// Outside the desktop app there is no shell: the section is not shown.

interface TauriInternals {
  invoke(command: string, args?: Record<string, unknown>): Promise<unknown>;
}

function tauri(): TauriInternals | null {
  const internals = (globalThis as { __TAURI_INTERNALS__?: TauriInternals }).__TAURI_INTERNALS__;
  return internals !== undefined && typeof internals.invoke === 'function' ? internals : null;
}

export function hasShell(): boolean {
  return tauri() !== null;
}

/** Which hub this computer uses; the wall token itself never leaves the shell. */
export interface HubStatus {
  mode: 'own' | 'remote';
  url: string | null;
  fingerprint: string | null;
  certified: boolean;
  wall_token_set: boolean;
}

/** What a team hub presented on first contact. */
export interface ProbeAnswer {
  url: string;
  fingerprint: string;
  certified: boolean;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  const shell = tauri();
  if (shell === null) throw new Error('not in the desktop app');
  try {
    return (await shell.invoke(command, args)) as T;
  } catch (error) {
    // The shell answers refusals as plain text (a changed certificate, an unreachable hub).
    throw new Error(typeof error === 'string' ? error : String(error));
  }
}

export const hubStatus = (): Promise<HubStatus> => call('hub_status');
export const probeHub = (url: string): Promise<ProbeAnswer> => call('hub_probe', { url });
export const trustHub = (answer: ProbeAnswer): Promise<void> =>
  call('hub_trust', { url: answer.url, fingerprint: answer.fingerprint, certified: answer.certified });
export const useOwnHub = (): Promise<void> => call('hub_use_own');
/** An empty token forgets the stored one. */
export const storeWallToken = (token: string): Promise<void> => call('hub_wall_token', { token });
