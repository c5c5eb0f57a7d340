import { en, type MessageKey } from './en';
import { zh } from './zh';
import { fill } from './format';

export type Language = 'en' | 'zh';

export const LANGUAGES: readonly { code: Language; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'zh', name: '简体中文' },
];

const CATALOGS: Record<Language, Record<MessageKey, string>> = { en, zh };
const STORAGE_KEY = 'noc.language';

function initialLanguage(): Language {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh') return stored;
  return globalThis.navigator?.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export const language = $state({ current: initialLanguage() });

export function setLanguage(code: Language): void {
  language.current = code;
  localStorage.setItem(STORAGE_KEY, code);
  document.documentElement.lang = code === 'zh' ? 'zh-CN' : 'en';
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return fill(CATALOGS[language.current][key], params);
}

/** The locale for dates and numbers that matches the chosen language. */
export function locale(): string {
  return language.current === 'zh' ? 'zh-CN' : 'en-GB';
}
