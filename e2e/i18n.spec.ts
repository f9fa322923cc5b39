import type { Page } from '@playwright/test';
import { createRoomId } from '../lib/room-id';
import { MISSING_MESSAGE_PATTERN } from '../lib/i18n/intl-errors';
import { createPerson, expect, test, type Person } from './support/fixtures';

/** Strings a person sees in each language, as the message files say them. */
const LANGUAGES = [
  {
    locale: 'en-US',
    lang: 'en',
    check: 'Check your connection',
    home: 'Video calls, straight from your browser',
    lobby: 'Ready to join?',
    name: 'Your name',
    camera: 'Camera',
    join: 'Join',
    controls: 'Call controls',
    people: 'People: 2 in the call',
    chat: 'Chat',
    message: 'Message',
    send: 'Send',
  },
  {
    locale: 'de-DE',
    lang: 'de',
    check: 'Verbindung prüfen',
    home: 'Videoanrufe, direkt aus deinem Browser',
    lobby: 'Bereit zum Beitreten?',
    name: 'Dein Name',
    camera: 'Kamera',
    join: 'Beitreten',
    controls: 'Anrufsteuerung',
    people: 'Personen: 2 im Anruf',
    chat: 'Chat',
    message: 'Nachricht',
    send: 'Senden',
  },
  {
    locale: 'es-ES',
    lang: 'es',
    check: 'Comprueba tu conexión',
    home: 'Videollamadas, directamente desde tu navegador',
    lobby: '¿Listo para unirte?',
    name: 'Tu nombre',
    camera: 'Cámara',
    join: 'Unirse',
    controls: 'Controles de la llamada',
    people: 'Personas: 2 en la llamada',
    chat: 'Chat',
    message: 'Mensaje',
    send: 'Enviar',
  },
  {
    locale: 'fr-FR',
    lang: 'fr',
    check: 'Vérifiez votre connexion',
    home: 'Des appels vidéo, directement depuis votre navigateur',
    lobby: 'Prêt à rejoindre ?',
    name: 'Votre nom',
    camera: 'Caméra',
    join: 'Rejoindre',
    controls: 'Commandes de l’appel',
    people: 'Personnes : 2 dans l’appel',
    chat: 'Discussion',
    message: 'Message',
    send: 'Envoyer',
  },
] as const;

type Language = (typeof LANGUAGES)[number];

/** Translation errors the page logged ("[intl] MISSING_MESSAGE: …"), collected as they come. */
function watchTranslationErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('[intl]'))
      errors.push(message.text());
  });
  return errors;
}

/** No message is missing anywhere on the page: not in its text, nor in a label or title. */
async function expectNoMissingMessage(page: Page, errors: string[]): Promise<void> {
  const html = await page.evaluate(() => document.documentElement.outerHTML);
  expect(html.match(MISSING_MESSAGE_PATTERN)?.[0] ?? null).toBeNull();
  expect(errors).toEqual([]);
}

async function joinWithCameraOff(person: Person, language: Language, roomId: string) {
  const { page } = person;
  await page.goto(`/call/${roomId}`);
  await expect(page.getByRole('heading', { name: language.lobby })).toBeVisible();
  // The folded device settings too: pickers, blur and microphone processing.
  await page.locator('details > summary').click();
  await page.getByRole('button', { name: language.camera, exact: true }).click();
  await expect(page.getByRole('button', { name: language.camera, exact: true })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  await page.getByLabel(language.name).fill(person.name);
  await page.getByRole('button', { name: language.join, exact: true }).click();
  await expect(page.getByRole('navigation', { name: language.controls })).toBeVisible();
}

for (const language of LANGUAGES) {
  test(`in ${language.lang}, the home page, /check, lobby and a call of two show no missing message`, async ({
    browser,
  }) => {
    const roomId = createRoomId();
    const alice = await createPerson(browser, 'Alice', { locale: language.locale });
    const bob = await createPerson(browser, 'Bob', { locale: language.locale });
    try {
      const aliceErrors = watchTranslationErrors(alice.page);
      const bobErrors = watchTranslationErrors(bob.page);

      await alice.page.goto('/');
      await expect(alice.page.locator('html')).toHaveAttribute('lang', language.lang);
      await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText(language.home);
      await expectNoMissingMessage(alice.page, aliceErrors);
      await alice.page.goto('/check');
      await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText(language.check);
      await expectNoMissingMessage(alice.page, aliceErrors);

      await joinWithCameraOff(alice, language, roomId);
      await joinWithCameraOff(bob, language, roomId);
      const people = bob.page.getByRole('button', { name: language.people });
      await expect(people).toBeVisible();
      await people.click();
      await bob.page.getByRole('button', { name: language.chat, exact: true }).click();
      await bob.page.getByLabel(language.message, { exact: true }).fill('Hallo');
      await bob.page.getByRole('button', { name: language.send, exact: true }).click();
      const sent = alice.page.getByTestId('chat-message');
      await alice.page.getByRole('button', { name: language.chat, exact: true }).click();
      await expect(sent).toContainText('Hallo');
      // The time it was sent, as this language writes a time of day.
      const at = Date.parse((await sent.locator('time').getAttribute('datetime')) ?? '');
      const expected = new Intl.DateTimeFormat(language.locale, {
        hour: '2-digit',
        minute: '2-digit',
      }).format(at);
      await expect(sent.locator('time')).toHaveText(expected);

      await expectNoMissingMessage(alice.page, aliceErrors);
      await expectNoMissingMessage(bob.page, bobErrors);
    } finally {
      await alice.close();
      await bob.close();
    }
  });
}

test('the language switcher changes the language, and the choice outlives a reload', async ({
  alice,
}) => {
  await alice.page.goto('/');
  await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText(LANGUAGES[0].home);
  await alice.page.getByLabel('Language').selectOption('fr');
  await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText(LANGUAGES[3].home);
  await expect(alice.page.getByLabel('Langue')).toHaveValue('fr');
  await alice.page.reload();
  await expect(alice.page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText(LANGUAGES[3].home);
});
