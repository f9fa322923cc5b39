import type { Config } from 'tailwindcss';

/**
 * The theme. `app/globals.css` loads this file with `@config`, so these are the colours and
 * fonts the app's classes use.
 */
const config: Config = {
  content: ['./app/**/*.{ts,tsx}', './components/**/*.{ts,tsx}'],
  theme: {
    extend: {
      colors: {
        surface: {
          DEFAULT: '#0f1115',
          raised: '#171a21',
          overlay: '#1f2430',
          border: '#2a3040',
        },
        ink: {
          DEFAULT: '#e8ebf2',
          muted: '#9aa3b5',
          // Every text colour reads at 4.5:1 or more on every surface (WCAG AA).
          faint: '#8a94a8',
        },
        accent: {
          /** Text and marks on dark surfaces; too light behind white text. */
          DEFAULT: '#4f8cff',
          /** Behind white text (5.2:1), e.g. primary buttons. */
          strong: '#2563eb',
          deep: '#1d4ed8',
          soft: '#4f8cff26',
          /** Text on `soft`. */
          ink: '#9dbfff',
        },
        danger: {
          /** Text and marks on dark surfaces; too light behind white text. */
          DEFAULT: '#ef4444',
          /** Behind white text (4.8:1). */
          strong: '#dc2626',
          deep: '#b91c1c',
          soft: '#ef444426',
        },
        success: '#22c55e',
        warning: '#f59e0b',
      },
      fontFamily: {
        sans: ['ui-sans-serif', 'system-ui', '-apple-system', 'Segoe UI', 'Roboto', 'sans-serif'],
      },
    },
  },
};

export default config;
