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
          faint: '#657086',
        },
        accent: {
          DEFAULT: '#4f8cff',
          strong: '#3a74e6',
          soft: '#4f8cff26',
        },
        danger: {
          DEFAULT: '#ef4444',
          strong: '#dc2626',
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
