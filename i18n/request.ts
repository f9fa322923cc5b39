import { getRequestConfig } from 'next-intl/server';
import { cookies, headers } from 'next/headers';
import { LOCALE_COOKIE, pickLocale } from '@/lib/i18n/locale';
import { missingMessageText, reportIntlError } from '@/lib/i18n/intl-errors';

/**
 * The language of this request, with no locale in the URL (call links stay as they are): the
 * switcher's cookie, else the browser's Accept-Language. Only that language's messages are loaded.
 */
export default getRequestConfig(async () => {
  const locale = pickLocale(
    (await cookies()).get(LOCALE_COOKIE)?.value,
    (await headers()).get('accept-language'),
  );
  return {
    locale,
    messages: (await import(`../messages/${locale}.json`)).default,
    onError: reportIntlError,
    getMessageFallback: missingMessageText,
  };
});
