import { describe, expect, it } from 'vitest';
import { encodeHeaderValue, streamUrl, takeTokenFromUrl } from './backend';

describe('token in the address', () => {
  it('is taken out, keeping the rest of the address', () => {
    expect(takeTokenFromUrl('http://127.0.0.1:7878/?token=s3cret&view=wall#x')).toEqual({
      token: 's3cret',
      cleanUrl: '/?view=wall#x',
    });
  });

  it('is absent when not given or empty', () => {
    expect(takeTokenFromUrl('http://h/').token).toBeNull();
    expect(takeTokenFromUrl('http://h/?token=').token).toBeNull();
  });
});

describe('stream address', () => {
  it('matches the page scheme and resumes after a seq', () => {
    expect(streamUrl({ protocol: 'http:', host: 'h:1' }, 42, 't k')).toBe('ws://h:1/api/stream?after=42&token=t+k');
    expect(streamUrl({ protocol: 'https:', host: 'h' }, null, 'x')).toBe('wss://h/api/stream?token=x');
    expect(streamUrl({ protocol: 'http:', host: 'h' }, 0, null)).toBe('ws://h/api/stream?after=0');
  });
});

describe('operator header', () => {
  it('keeps ASCII names and percent-encodes others', () => {
    expect(encodeHeaderValue('Li Wei')).toBe('Li Wei');
    expect(encodeHeaderValue('王伟')).toBe('%E7%8E%8B%E4%BC%9F');
  });
});
