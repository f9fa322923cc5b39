import { describe, expect, it } from 'vitest';
import { VerifiedPeople, sameName, trustStatus } from './verified-people';

function memoryStorage() {
  const values = new Map<string, string>();
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    values,
  };
}

describe('trustStatus', () => {
  const records = [{ fingerprint: 'sha-256 AA', name: 'Ben' }];

  it('trusts a verified certificate whatever name it comes with', () => {
    expect(trustStatus(records, 'sha-256 AA', 'Ben')).toEqual({ kind: 'verified', name: 'Ben' });
    expect(trustStatus(records, 'sha-256 AA', 'Benjamin')).toEqual({
      kind: 'verified',
      name: 'Ben',
    });
  });

  it('warns when someone of a verified name comes with another certificate', () => {
    expect(trustStatus(records, 'sha-256 BB', ' ben ')).toEqual({ kind: 'changed', name: 'Ben' });
  });

  it('says nothing of strangers, nor of people with no name', () => {
    expect(trustStatus(records, 'sha-256 BB', 'Carol')).toEqual({ kind: 'unverified' });
    expect(trustStatus([{ fingerprint: 'x', name: '' }], 'y', '')).toEqual({
      kind: 'unverified',
    });
  });
});

describe('sameName', () => {
  it('ignores case, spacing and Unicode composition', () => {
    expect(sameName('  Zoë  Smith', 'zoe\u0308 smith')).toBe(true);
    expect(sameName('Ben', 'Ben S')).toBe(false);
  });
});

describe('VerifiedPeople', () => {
  it('remembers marks in storage, across instances, and forgets them when asked', () => {
    const storage = memoryStorage();
    new VerifiedPeople(storage).markVerified('sha-256 AA', 'Ben');
    const later = new VerifiedPeople(storage);
    expect(later.status('sha-256 AA', 'Ben').kind).toBe('verified');
    expect(later.status('sha-256 CC', 'Ben').kind).toBe('changed');
    // Verifying the new certificate too (a second device) ends the warning for it.
    later.markVerified('sha-256 CC', 'Ben');
    expect(later.status('sha-256 CC', 'Ben').kind).toBe('verified');
    later.unmark('sha-256 AA');
    expect(new VerifiedPeople(storage).status('sha-256 AA', 'Carol').kind).toBe('unverified');
  });

  it('treats broken stored data as no marks, and works with no storage at all', () => {
    const storage = memoryStorage();
    storage.values.set('meshcall.verifiedPeople', '{"not":"a list"');
    expect(new VerifiedPeople(storage).status('sha-256 AA', 'Ben').kind).toBe('unverified');
    storage.values.set('meshcall.verifiedPeople', '[{"fingerprint":1}]');
    expect(new VerifiedPeople(storage).status('sha-256 AA', 'Ben').kind).toBe('unverified');
    const unstored = new VerifiedPeople(null);
    unstored.markVerified('sha-256 AA', 'Ben');
    expect(unstored.status('sha-256 AA', 'Ben').kind).toBe('verified');
  });
});
