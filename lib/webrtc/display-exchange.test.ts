import { describe, expect, it } from 'vitest';
import { sendAdaptationEnabled } from '../call/send-adaptation-switch';
import { DisplayExchange } from './display-exchange';

const display = { width: 320, height: 180, visible: true, fullScreen: false };

describe('DisplayExchange', () => {
  it('remembers the last report per peer for a replacement connection', () => {
    const exchange = new DisplayExchange(true);
    expect(exchange.lastReport('p1')).toBeNull();
    const message = exchange.report('p1', display);
    expect(exchange.lastReport('p1')).toBe(message);
    expect(exchange.received(message)).toEqual(display);
    exchange.forget('p1');
    expect(exchange.lastReport('p1')).toBeNull();
  });

  it('neither reports nor follows reports with adaptation off', () => {
    const exchange = new DisplayExchange(false);
    const message = new DisplayExchange(true).report('p1', display);
    expect(exchange.report('p1', display)).toBeNull();
    expect(exchange.received(message)).toBeNull();
  });
});

describe('sendAdaptationEnabled', () => {
  const storage = (value: string | null) => ({ getItem: () => value });
  it('is on unless the test-only key says off', () => {
    expect(sendAdaptationEnabled(null)).toBe(true);
    expect(sendAdaptationEnabled(storage(null))).toBe(true);
    expect(sendAdaptationEnabled(storage('on'))).toBe(true);
    expect(sendAdaptationEnabled(storage('off'))).toBe(false);
    expect(
      sendAdaptationEnabled({
        getItem: () => {
          throw new Error('denied');
        },
      }),
    ).toBe(true);
  });
});
