import { describe, expect, it } from 'vitest';
import { whoIsHere } from './presence-text';

const here = (...names: string[]) => ({ count: names.length, names });

describe('whoIsHere', () => {
  it('names nobody when nobody is there', () => {
    expect(whoIsHere(here())).toEqual({ names: [], others: 0 });
  });

  it('names up to three people', () => {
    expect(whoIsHere(here('Ann'))).toEqual({ names: ['Ann'], others: 0 });
    expect(whoIsHere(here('Ann', 'Ben', 'Cat'))).toEqual({
      names: ['Ann', 'Ben', 'Cat'],
      others: 0,
    });
  });

  it('counts the rest past two names', () => {
    expect(whoIsHere(here('Ann', 'Ben', 'Cat', 'Dan'))).toEqual({
      names: ['Ann', 'Ben'],
      others: 2,
    });
    expect(whoIsHere({ count: 12, names: ['Ann', 'Ben', 'Cat', 'Dan'] })).toEqual({
      names: ['Ann', 'Ben'],
      others: 10,
    });
  });

  it('counts people whose names were left out', () => {
    expect(whoIsHere({ count: 2, names: ['Ann'] })).toEqual({ names: ['Ann'], others: 1 });
    expect(whoIsHere({ count: 3, names: [] })).toEqual({ names: [], others: 3 });
  });
});
