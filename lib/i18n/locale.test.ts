import { describe, expect, it } from 'vitest';
import { localeCookie, negotiateLocale, pickLocale } from './locale';

describe('negotiateLocale', () => {
  it('takes the first language we have, by weight, matching regional variants', () => {
    expect(negotiateLocale('de-AT,de;q=0.9,en;q=0.8')).toBe('de');
    expect(negotiateLocale('ja,fr-CA;q=0.7,en;q=0.5')).toBe('fr');
    expect(negotiateLocale('en;q=0.2, es-MX;q=0.9')).toBe('es');
  });

  it('keeps the header order among equal weights and skips refused languages', () => {
    expect(negotiateLocale('fr, de')).toBe('fr');
    expect(negotiateLocale('de;q=0, es')).toBe('es');
  });

  it('finds nothing in an empty, foreign or malformed header', () => {
    expect(negotiateLocale(null)).toBeNull();
    expect(negotiateLocale('')).toBeNull();
    expect(negotiateLocale('ja, zh-CN;q=0.8')).toBeNull();
    expect(negotiateLocale(';;,,q=1')).toBeNull();
  });
});

describe('pickLocale', () => {
  it('prefers the switcher’s cookie, then the browser, then English', () => {
    expect(pickLocale('es', 'de')).toBe('es');
    expect(pickLocale('xx', 'de')).toBe('de');
    expect(pickLocale(undefined, 'ja')).toBe('en');
  });

  it('writes a cookie that pickLocale reads back', () => {
    const [pair] = localeCookie('fr').split(';');
    expect(pickLocale(pair?.split('=')[1], null)).toBe('fr');
  });
});
