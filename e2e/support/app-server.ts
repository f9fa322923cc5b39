// The app-server launcher lives in the shared test kit; specs import it from here.
export * from '../../tests/support/servers/app-server';
