// The in-page readers live in the shared test kit; specs import them from here.
export * from '../../tests/support/browser/in-page';
