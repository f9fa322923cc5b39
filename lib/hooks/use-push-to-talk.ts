import { useEffect } from 'react';
import { PushToTalk } from '../call/push-to-talk';

/** Holding Space while muted speaks (see `PushToTalk`); mounted on the call page. */
export function usePushToTalk(
  microphoneOn: () => boolean,
  setMicrophone: (on: boolean) => void,
): void {
  useEffect(() => {
    const ptt = new PushToTalk();
    const onKeyDown = (event: KeyboardEvent) => {
      const outcome = ptt.keyDown(event, microphoneOn());
      if (outcome === null) return;
      // Space would otherwise scroll, or press the focused button.
      event.preventDefault();
      if (outcome === 'unmute') setMicrophone(true);
    };
    const onKeyUp = (event: KeyboardEvent) => {
      if (ptt.keyUp(event) !== 'mute') return;
      event.preventDefault();
      setMicrophone(false);
    };
    const onBlur = () => {
      if (ptt.blur() === 'mute') setMicrophone(false);
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
    };
  }, [microphoneOn, setMicrophone]);
}
