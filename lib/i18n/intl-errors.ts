/** What a missing or broken message shows instead: loud, so that tests and people notice. */
export function missingMessageText({
  namespace,
  key,
}: {
  namespace?: string;
  key: string;
}): string {
  return `[missing: ${namespace ? `${namespace}.` : ''}${key}]`;
}

/** The pattern `missingMessageText` produces, for tests that look for it on a page. */
export const MISSING_MESSAGE_PATTERN = /\[missing: [^\]]+\]/;

/**
 * Logs translation errors (end-to-end tests fail on them). A date formatted without a configured
 * time zone uses the browser's own, which is what a chat timestamp should show: not an error.
 */
export function reportIntlError(error: { code: string; message: string }): void {
  if (error.code === 'ENVIRONMENT_FALLBACK') return;
  console.error(`[intl] ${error.code}: ${error.message}`);
}
