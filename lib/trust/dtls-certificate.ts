/**
 * This browser's DTLS certificate, kept in IndexedDB so that its fingerprint, and so every safety
 * code with it, stays the same from call to call and after a reload. An `RTCCertificate` is
 * structured-cloneable (Chromium and Firefox), so IndexedDB stores it whole, private key included,
 * without the key ever being readable by the page.
 */

/** How long a new certificate is asked to last; the browser may give less (see `expires`). */
export const CERTIFICATE_LIFETIME_MS = 365 * 24 * 60 * 60 * 1000;
/** A certificate this close to expiring is replaced before a call starts with it. */
export const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;
/** IndexedDB can hang (a blocked upgrade, some private modes): a call does not wait longer. */
const LOAD_TIMEOUT_MS = 3_000;

const DATABASE = 'meshcall-trust';
const STORE = 'certificates';
const KEY = 'dtls';

/** Whether a certificate expiring at `expires` (ms since epoch) should be replaced at `now`. */
export function needsRenewal(expires: number, now: number): boolean {
  return !Number.isFinite(expires) || expires - now < RENEW_BEFORE_MS;
}

/**
 * The kept certificate, or a new one (ECDSA P-256) kept in its place when there is none or it is
 * about to expire. Null when the browser can neither make nor keep one: the connection then makes
 * its own, and codes change each call.
 */
export async function keptDtlsCertificate(): Promise<RTCCertificate | null> {
  if (typeof RTCPeerConnection === 'undefined') return null;
  const load = async () => {
    const database = await openDatabase().catch(() => null);
    try {
      const kept = database ? await readCertificate(database).catch(() => null) : null;
      if (kept && !needsRenewal(kept.expires, Date.now())) return kept;
      const made = await RTCPeerConnection.generateCertificate({
        name: 'ECDSA',
        namedCurve: 'P-256',
        expires: CERTIFICATE_LIFETIME_MS,
      } as AlgorithmIdentifier);
      if (database) await writeCertificate(database, made).catch(() => undefined);
      return made;
    } finally {
      database?.close();
    }
  };
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), LOAD_TIMEOUT_MS));
  return Promise.race([load().catch(() => null), timeout]);
}

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB would not open'));
    request.onblocked = () => reject(new Error('IndexedDB upgrade blocked'));
  });
}

function readCertificate(database: IDBDatabase): Promise<RTCCertificate | null> {
  return new Promise((resolve, reject) => {
    const request = database.transaction(STORE, 'readonly').objectStore(STORE).get(KEY);
    request.onsuccess = () =>
      resolve(request.result instanceof RTCCertificate ? request.result : null);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB read failed'));
  });
}

function writeCertificate(database: IDBDatabase, certificate: RTCCertificate): Promise<void> {
  return new Promise((resolve, reject) => {
    const transaction = database.transaction(STORE, 'readwrite');
    transaction.objectStore(STORE).put(certificate, KEY);
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB write failed'));
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB write aborted'));
  });
}
