import { ApiError } from '../lib/backend';
import { t } from '../lib/i18n/i18n.svelte';

/** A refusal in words: what went wrong in general, then the hub's own reason. */
export function failureText(error: unknown): string {
  if (!(error instanceof ApiError)) return t('review.error.unreachable');
  switch (error.code) {
    case 'not_a_recording':
      return t('review.error.notARecording', { reason: error.message });
    case 'recording_damaged':
      return t('review.error.damaged', { reason: error.message });
    case 'recording_newer_format':
      return t('review.error.newer', { reason: error.message });
    case 'forbidden':
      return t('review.error.forbidden');
    case 'not_found':
    case 'no_such_recording':
      return t('review.error.notFound');
    default:
      return t('review.error.other', { reason: error.message });
  }
}
