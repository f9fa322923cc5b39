import type messages from '../../messages/en.json';

/** Values a message is formatted with: names, counts. */
export type TextValues = Record<string, string | number>;

/**
 * A notice about the call, as plain TypeScript under lib/ says it: the key of a message under
 * `notices` and its values. The component that shows it translates it into the person's language.
 */
export interface NoticeText {
  key: keyof (typeof messages)['notices'];
  values?: TextValues;
}
