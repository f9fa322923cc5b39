/**
 * Test-only: with this localStorage key set to `off` when the page loads, no sender follows what
 * its receivers show, so a benchmark can measure the mesh without adaptation.
 */
export const SEND_ADAPTATION_KEY = 'meshcall:send-adaptation';

export function sendAdaptationEnabled(storage: Pick<Storage, 'getItem'> | null): boolean {
  try {
    return storage?.getItem(SEND_ADAPTATION_KEY) !== 'off';
  } catch {
    // Storage refused (privacy settings): the default stands.
    return true;
  }
}
