import { describe, expect, it } from 'vitest';
import { describeWhoIsHere, listWhoIsHere } from './presence-text';

const here = (...names: string[]) => ({ count: names.length, names });

describe('describeWhoIsHere', () => {
  it('says when nobody is there', () => {
    expect(describeWhoIsHere(here())).toBe('Nobody is here yet');
  });

  it('names up to three people', () => {
    expect(describeWhoIsHere(here('Ann'))).toBe('Ann is in this call');
    expect(describeWhoIsHere(here('Ann', 'Ben'))).toBe('Ann and Ben are in this call');
    expect(describeWhoIsHere(here('Ann', 'Ben', 'Cat'))).toBe('Ann, Ben and Cat are in this call');
  });

  it('counts the rest past two names', () => {
    expect(describeWhoIsHere(here('Ann', 'Ben', 'Cat', 'Dan'))).toBe(
      'Ann, Ben and 2 others are in this call',
    );
    expect(describeWhoIsHere({ count: 12, names: ['Ann', 'Ben', 'Cat', 'Dan'] })).toBe(
      'Ann, Ben and 10 others are in this call',
    );
  });

  it('counts people whose names were left out', () => {
    expect(describeWhoIsHere({ count: 2, names: ['Ann'] })).toBe(
      'Ann and 1 other are in this call',
    );
    expect(describeWhoIsHere({ count: 3, names: [] })).toBe('3 people are in this call');
  });
});

describe('listWhoIsHere', () => {
  it('lists the names alone, for "This call is full: …"', () => {
    expect(listWhoIsHere(here('Ann', 'Ben'))).toBe('Ann and Ben');
    expect(listWhoIsHere({ count: 6, names: ['A', 'B', 'C', 'D', 'E', 'F'] })).toBe(
      'A, B and 4 others',
    );
    expect(listWhoIsHere({ count: 1, names: [] })).toBe('1 person');
  });
});
