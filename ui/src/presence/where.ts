import type { OperatorPresence } from '../lib/backend';
import { t } from '../lib/i18n/i18n.svelte';
import { pageNamed } from './presence';

/** A screen in the reader's language; a screen the console does not know shows as sent. */
export function screenLabel(screen: string): string {
  if (screen === 'wall') return t('presence.wall');
  const page = pageNamed(screen);
  return page === null ? screen : t(`nav.${page}`);
}

/** "li.wei — board, incident #12" */
export function whereText(operator: OperatorPresence): string {
  const screen = screenLabel(operator.screen);
  const where =
    operator.incident === null
      ? t('presence.where', { name: operator.name, screen })
      : t('presence.whereIncident', { name: operator.name, screen, id: operator.incident });
  return operator.connections > 1 ? `${where} ${t('presence.windows', { n: operator.connections })}` : where;
}
