import { TYPE, parse, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { createTranslator } from 'next-intl';
import { describe, expect, it } from 'vitest';
import de from '../../messages/de.json';
import en from '../../messages/en.json';
import es from '../../messages/es.json';
import fr from '../../messages/fr.json';
import { DEFAULT_LOCALE, LOCALES, type AppLocale } from './locale';

const MESSAGES: Record<AppLocale, unknown> = { en, de, es, fr };

type Tree = { [key: string]: string | Tree };

/** Every message of a tree, by its dotted key. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') flat.set(path, value);
    else for (const [inner, text] of flatten(value, path)) flat.set(inner, text);
  }
  return flat;
}

/** The values and tags a message takes (`{name}`, `{count, plural, …}`, `<em>…</em>`), sorted. */
function slots(message: string): string[] {
  const found = new Set<string>();
  const visit = (elements: MessageFormatElement[]) => {
    for (const element of elements) {
      if (element.type === TYPE.tag) {
        found.add(`<${element.value}>`);
        visit(element.children);
      } else if (element.type === TYPE.plural || element.type === TYPE.select) {
        found.add(`{${element.value}}`);
        for (const option of Object.values(element.options)) visit(option.value);
      } else if (element.type !== TYPE.literal && element.type !== TYPE.pound) {
        found.add(`{${element.value}}`);
      }
    }
  };
  visit(parse(message));
  return [...found].sort();
}

const english = flatten(en);

describe('messages', () => {
  it('has a file for every locale, English included', () => {
    expect(Object.keys(MESSAGES).sort()).toEqual([...LOCALES].sort());
    expect(DEFAULT_LOCALE).toBe('en');
  });

  for (const locale of LOCALES.filter((code) => code !== 'en')) {
    describe(locale, () => {
      const translated = flatten(MESSAGES[locale] as Tree);

      it('has every English key, and no other', () => {
        const missing = [...english.keys()].filter((key) => !translated.has(key));
        const extra = [...translated.keys()].filter((key) => !english.has(key));
        expect({ missing, extra }).toEqual({ missing: [], extra: [] });
      });

      it('takes the same values and tags as English in every message', () => {
        const differing = [...english].filter(
          ([key, text]) => slots(text).join() !== slots(translated.get(key) ?? '').join(),
        );
        expect(differing.map(([key]) => key)).toEqual([]);
      });
    });
  }

  for (const locale of LOCALES) {
    it(`formats every ${locale} message without an error`, () => {
      const errors: string[] = [];
      const t = createTranslator({
        locale,
        messages: MESSAGES[locale] as typeof en,
        onError: (error) => errors.push(`${error.code}: ${error.message}`),
      });
      for (const [key, text] of flatten(MESSAGES[locale] as Tree)) {
        // Every value as a number (plurals need one); every tag as its content.
        const values = Object.fromEntries(
          slots(text).map((slot) =>
            slot.startsWith('<')
              ? [slot.slice(1, -1), (chunks: string) => chunks]
              : [slot.slice(1, -1), 1],
          ),
        );
        const shown = t.markup(key as never, values);
        expect(shown, key).not.toMatch(/[{}<>]/);
      }
      expect(errors).toEqual([]);
    });
  }
});
