import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { adoptTokenFromAddress } from './lib/backend';
import { theme } from './lib/theme.svelte';
import { language } from './lib/i18n/i18n.svelte';
import { isWallAddress, wallOptions, wallQuery } from './wall/wall';
import { startWall } from './wall/start';

document.documentElement.lang = language.current === 'zh' ? 'zh-CN' : 'en';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html lacks #app');

// The wall (大屏) is its own page: no navigation, no actions, its token kept on the PC.
const wall = isWallAddress(window.location);
if (!wall) {
  adoptTokenFromAddress();
  document.documentElement.dataset['theme'] = theme.current;
}
// The wall and the console are different pages: moving between them by address loads the other.
window.addEventListener('hashchange', () => {
  if (isWallAddress(window.location) !== wall) window.location.reload();
});
export default wall ? startWall(target, wallOptions(wallQuery(window.location))) : mount(App, { target });
