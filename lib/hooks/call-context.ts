import { createContext } from 'react';
import type { CallController } from '../call/call-controller';
import type { CallStore } from '../call/call-store';

export const CallStoreContext = createContext<CallStore | null>(null);
/** Null outside a call page, and in a call page until the controller's code has loaded. */
export const CallControllerContext = createContext<CallController | null>(null);
