import { HOST_KEY_PATTERN } from '../signaling/protocol';

/**
 * The host key of a call, kept by the browser that started it (or that the role reached). The
 * server keeps only its hash. It lives in localStorage, under one key per room, so the host gets
 * the role back after a reload, a crash or closing the tab, as long as the call goes on.
 */
const storageKey = (roomId: string) => `meshcall:host-key:${roomId}`;

type KeyStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function defaultStorage(): KeyStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    // Storage blocked by the browser's settings: the host keeps the role only while connected.
    return null;
  }
}

/** 32 random bytes in base64url: 43 characters. */
export function newHostKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function loadHostKey(roomId: string, storage = defaultStorage()): string | undefined {
  const key = storage?.getItem(storageKey(roomId));
  return key && HOST_KEY_PATTERN.test(key) ? key : undefined;
}

export function saveHostKey(roomId: string, key: string, storage = defaultStorage()): void {
  try {
    storage?.setItem(storageKey(roomId), key);
  } catch {
    // Full or blocked: the role lasts as long as the connection.
  }
}

export function forgetHostKey(roomId: string, storage = defaultStorage()): void {
  storage?.removeItem(storageKey(roomId));
}
