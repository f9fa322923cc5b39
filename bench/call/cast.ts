import type { Browser } from '@playwright/test';
import { createPerson, type Person } from '../../tests/support/browser/person';

/** Generous: four pages with video on two shared cores can be slow, and the figures say so. */
const WAIT_MS = 120_000;

/**
 * Where a benchmark's people come from. Each person is a fresh browser context; how contexts map
 * to browser processes is the cast's business (one shared Chromium here; a cast with a Chromium
 * per person, whose process tree's CPU can be read from /proc, would fit the same interface).
 */
export interface Cast {
  person(name: string): Promise<Person>;
}

/** Everyone in their own context of one Chromium, as the end-to-end tests run them. */
export function sharedBrowserCast(browser: Browser): Cast {
  return {
    async person(name) {
      const person = await createPerson(browser, name, {}, { waitTimeoutMs: WAIT_MS });
      person.page.setDefaultTimeout(WAIT_MS);
      return person;
    },
  };
}

/** Runs `use` with the people named, then closes them all. */
export async function withPeople<T>(
  cast: Cast,
  names: readonly string[],
  use: (people: Person[]) => Promise<T>,
): Promise<T> {
  const people: Person[] = [];
  try {
    for (const name of names) people.push(await cast.person(name));
    return await use(people);
  } finally {
    for (const person of people) await person.close();
  }
}
