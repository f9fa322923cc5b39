// Browser choice and flags live in the shared test kit; specs and the config import them from here.
export { FAKE_MEDIA_ARGS, chromiumExecutable } from '../../tests/support/browser/chromium';
export { FIREFOX_PREFS, NO_FIREFOX, firefoxExecutable } from '../../tests/support/browser/firefox';
