import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zh } from './zh';
import { fill } from './format';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogs', () => {
  it('have exactly the same keys in English and Chinese', () => {
    const enKeys = Object.keys(en).sort();
    const zhKeys = Object.keys(zh).sort();
    expect(zhKeys.filter((k) => !(k in en))).toEqual([]);
    expect(enKeys.filter((k) => !(k in zh))).toEqual([]);
  });

  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('have no empty translations', () => {
    for (const [key, text] of [...Object.entries(en), ...Object.entries(zh)]) {
      expect(text.trim(), key).not.toBe('');
    }
  });
});

describe('fill', () => {
  it('replaces named placeholders and keeps unknown ones visible', () => {
    expect(fill('{by} at {at}', { by: 'Li', at: '10:00' })).toBe('Li at 10:00');
    expect(fill('{n} of {total}', { n: 3 })).toBe('3 of {total}');
  });
});
