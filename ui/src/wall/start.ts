import { mount } from 'svelte';
import WallScreen from './WallScreen.svelte';
import { adoptWallToken } from './wallToken';
import type { WallOptions } from './wall';

/** Mounts the wall: dark always, type sized to the screen (28 px at 1920 wide). */
export function startWall(target: HTMLElement, options: WallOptions): ReturnType<typeof mount> {
  adoptWallToken();
  const root = document.documentElement;
  root.dataset['theme'] = 'dark';
  root.classList.add('wall-mode');
  return mount(WallScreen, { target, props: { options } });
}
