/** The shared app server the suite starts (see playwright.config.ts). */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3107);
