import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../lib/backend';
import { language } from '../lib/i18n/i18n.svelte';
import { refusalText } from './refusal';

afterEach(() => language.current = 'en');

describe('refusal text', () => {
  it('names who acknowledged first, in both languages', () => {
    const lost = new ApiError(409, 'already_acknowledged', 'incident 3 was already acknowledged by li.wei', 'li.wei');
    expect(refusalText(lost)).toBe('Already acknowledged by li.wei');
    language.current = 'zh';
    expect(refusalText(lost)).toBe('已被 li.wei 确认');
  });

  it('names who closed or moved the incident on first', () => {
    expect(refusalText(new ApiError(409, 'incident_closed', 'x', 'zhang'))).toContain('zhang');
    expect(refusalText(new ApiError(409, 'wrong_status', 'x', 'zhang'))).toContain('zhang');
  });

  it('keeps the hub’s code and words for anything else', () => {
    expect(refusalText(new ApiError(409, 'incident_closed', 'incident 3 is closed'))).toBe('incident_closed: incident 3 is closed');
    expect(refusalText(new Error('offline'))).toBe('offline');
  });
});
