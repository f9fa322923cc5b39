import { useContext } from 'react';
import { useStore } from 'zustand';
import type { CallStoreState } from '../call/call-store';
import { CallStoreContext } from './call-context';

/** Reads one piece of the call page's UI state. Pick single values, or wrap with `useShallow`. */
export function useCallStore<T>(selector: (state: CallStoreState) => T): T {
  const store = useContext(CallStoreContext);
  if (!store) throw new Error('useCallStore must be used inside <CallProvider>.');
  return useStore(store, selector);
}
