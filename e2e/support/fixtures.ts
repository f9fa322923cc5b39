import { test as base, expect, type Browser } from '@playwright/test';
import { createRoomId } from '../../lib/room-id';
import { createPerson, type Person } from '../../tests/support/browser/person';

interface CallFixtures {
  roomId: string;
  alice: Person;
  bob: Person;
  carol: Person;
  /** Adds any number of extra people; all are closed after the test. */
  people: (name: string) => Promise<Person>;
}

/** Playwright fixtures: a fresh room id, and Chromium people, each in their own browser context. */
export const test = base.extend<CallFixtures>({
  roomId: async ({}, use) => use(createRoomId()),
  alice: async ({ browser }, use) => providePerson(browser, 'Alice', use),
  bob: async ({ browser }, use) => providePerson(browser, 'Bob', use),
  carol: async ({ browser }, use) => providePerson(browser, 'Carol', use),
  people: async ({ browser }, use) => {
    const created: Person[] = [];
    await use(async (name) => {
      const person = await createPerson(browser, name);
      created.push(person);
      return person;
    });
    for (const person of created) await person.close();
  },
});

async function providePerson(
  browser: Browser,
  name: string,
  use: (person: Person) => Promise<void>,
) {
  const person = await createPerson(browser, name);
  await use(person);
  await person.close();
}

export { createPerson, expect, type Person };
