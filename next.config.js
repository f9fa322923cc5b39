// @ts-check
import createNextIntlPlugin from 'next-intl/plugin';
import securityHeaders from './lib/security/security-headers.json' with { type: 'json' };

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `next dev` only serves its dev resources to localhost; tests and people also open 127.0.0.1.
  allowedDevOrigins: ['127.0.0.1'],
  // Loaded from node_modules as they are (signaling beside plain `next dev`), not bundled.
  serverExternalPackages: ['ws', 'prom-client'],
  // Every response, however the app is started; the CSP, which needs a nonce, is in proxy.ts.
  headers: async () => [
    { source: '/:path*', headers: securityHeaders },
    // Background blur's worker and the model files it loads (public/blur, built by
    // scripts/build-blur-assets.mjs). A worker lives by its own script's policy: scripts and wasm
    // from this origin only, and nothing else. proxy.ts leaves these paths alone.
    {
      source: '/blur/:path*',
      headers: [
        {
          key: 'Content-Security-Policy',
          value:
            "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; frame-ancestors 'none'",
        },
      ],
    },
  ],
};

// The request's language and its messages come from i18n/request.ts (no locale in the URL). The
// messages are compiled at build time, so browsers get no ICU message parser.
const withNextIntl = createNextIntlPlugin({
  requestConfig: './i18n/request.ts',
  experimental: {
    messages: { path: './messages', format: 'json', locales: 'infer', precompile: true },
  },
});

export default withNextIntl(nextConfig);
