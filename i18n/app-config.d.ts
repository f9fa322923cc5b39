import type { AppLocale } from '@/lib/i18n/locale';
import type messages from '../messages/en.json';

// English is the reference: a key a component uses must exist there, or typecheck fails.
declare module 'next-intl' {
  interface AppConfig {
    Locale: AppLocale;
    Messages: typeof messages;
  }
}
