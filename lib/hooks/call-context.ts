import { createContext } from 'react';
import type { CallController } from '../call/call-controller';
import type { CallStore } from '../call/call-store';

export const CallStoreContext = createContext<CallStore | null>(null);
export const CallControllerContext = createContext<CallController | null>(null);
