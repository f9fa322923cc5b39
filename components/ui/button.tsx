import type { ButtonHTMLAttributes } from 'react';
import { cn } from '@/lib/utils';

const VARIANTS = {
  primary: 'bg-accent-strong text-white hover:bg-accent-deep disabled:bg-accent/40',
  secondary: 'bg-surface-overlay text-ink hover:bg-surface-border disabled:text-ink-faint',
  danger: 'bg-danger-strong text-white hover:bg-danger-deep',
  ghost: 'bg-transparent text-ink-muted hover:bg-surface-overlay hover:text-ink',
  /** A control that is switched off, e.g. a muted microphone. */
  off: 'bg-danger-soft text-danger hover:bg-danger/25',
} as const;

const SIZES = {
  sm: 'h-8 gap-1.5 rounded-lg px-3 text-sm',
  md: 'h-10 gap-2 rounded-xl px-4 text-sm',
  lg: 'h-12 gap-2 rounded-xl px-6 text-base',
  icon: 'size-12 rounded-full',
} as const;

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: keyof typeof VARIANTS;
  size?: keyof typeof SIZES;
}

export function Button({
  variant = 'primary',
  size = 'md',
  className,
  type = 'button',
  ...props
}: ButtonProps) {
  return (
    <button
      type={type}
      className={cn(
        'inline-flex shrink-0 items-center justify-center font-medium transition-colors select-none motion-reduce:transition-none',
        'disabled:cursor-not-allowed',
        VARIANTS[variant],
        SIZES[size],
        className,
      )}
      {...props}
    />
  );
}
