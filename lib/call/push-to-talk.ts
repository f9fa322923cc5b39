import { isTypingTarget } from './shortcuts';

interface KeyEventLike {
  code: string;
  repeat: boolean;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  target: EventTarget | null;
}

/**
 * Push-to-talk: holding the space bar while muted turns the microphone on, and letting go turns
 * it off again. `event.code` names the physical key, so it is the same key on every keyboard
 * layout. Typing a space in a text field never speaks. Space pressed while the microphone is on
 * does nothing here, so it cannot mute someone who is talking.
 */
export class PushToTalk {
  private holding = false;

  /** Whether the microphone is on because Space is held. */
  get active(): boolean {
    return this.holding;
  }

  /** 'unmute' when this press should turn the microphone on. */
  keyDown(event: KeyEventLike, microphoneOn: boolean): 'unmute' | 'swallow' | null {
    if (event.code !== 'Space' || event.ctrlKey || event.altKey || event.metaKey) return null;
    if (isTypingTarget(event.target)) return null;
    // Key repeat while held: keep the page from scrolling or pressing a focused button.
    if (this.holding) return 'swallow';
    if (event.repeat || microphoneOn) return null;
    this.holding = true;
    return 'unmute';
  }

  /** 'mute' when letting go should turn the microphone off again. */
  keyUp(event: Pick<KeyEventLike, 'code'>): 'mute' | null {
    if (event.code !== 'Space' || !this.holding) return null;
    this.holding = false;
    return 'mute';
  }

  /** The page lost the keyboard while Space was held: the release will never come. */
  blur(): 'mute' | null {
    if (!this.holding) return null;
    this.holding = false;
    return 'mute';
  }
}
