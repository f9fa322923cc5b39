import { describe, expect, it } from 'vitest';
import { initialsOf } from './utils';

describe('initialsOf', () => {
  it('takes the first letters of the first and last words', () => {
    expect(initialsOf('Ada Lovelace')).toBe('AL');
    expect(initialsOf('  bob  ')).toBe('B');
    expect(initialsOf('Ana María de la Cruz')).toBe('AC');
  });

  it('skips brackets and other marks, so a label in a name never shows as an initial', () => {
    expect(initialsOf('Bob (you)')).toBe('BY');
    expect(initialsOf('(Bob)')).toBe('B');
    expect(initialsOf('Bob -')).toBe('B');
    expect(initialsOf('Émile 2')).toBe('É2');
  });

  it('gives a question mark for a name with no letters', () => {
    expect(initialsOf('')).toBe('?');
    expect(initialsOf('(( ))')).toBe('?');
  });
});
