import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { adoptTokenFromAddress } from './lib/backend';
import { theme } from './lib/theme.svelte';
import { language } from './lib/i18n/i18n.svelte';

adoptTokenFromAddress();
document.documentElement.dataset['theme'] = theme.current;
document.documentElement.lang = language.current === 'zh' ? 'zh-CN' : 'en';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html lacks #app');
export default mount(App, { target });
