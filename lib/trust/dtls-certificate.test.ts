import { describe, expect, it } from 'vitest';
import { CERTIFICATE_LIFETIME_MS, RENEW_BEFORE_MS, needsRenewal } from './dtls-certificate';

describe('needsRenewal', () => {
  const now = Date.UTC(2030, 0, 1);

  it('keeps a certificate with more than the renewal margin left', () => {
    expect(needsRenewal(now + CERTIFICATE_LIFETIME_MS, now)).toBe(false);
    expect(needsRenewal(now + RENEW_BEFORE_MS + 1, now)).toBe(false);
  });

  it('replaces one that is close to expiring, expired, or has no usable date', () => {
    expect(needsRenewal(now + RENEW_BEFORE_MS - 1, now)).toBe(true);
    expect(needsRenewal(now - 1, now)).toBe(true);
    expect(needsRenewal(Number.NaN, now)).toBe(true);
  });
});
