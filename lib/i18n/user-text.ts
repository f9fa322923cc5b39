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

/** One verdict of the connection check (/check): a message under `check.detail`. */
export interface CheckText {
  key: keyof (typeof messages)['check']['detail'];
  values?: TextValues;
}

/** A sentence of the connection check's summary: a message under `check.summary`. */
export interface CheckSummaryText {
  key: keyof (typeof messages)['check']['summary'];
  values?: TextValues;
}
