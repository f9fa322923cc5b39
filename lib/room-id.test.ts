import { describe, expect, it } from 'vitest';
import { ROOM_ID_BITS, createRoomId, isRoomId, parseRoomInput, roomIdFromIndex } from './room-id';

describe('room ids', () => {
  it('carry at least 64 random bits', () => {
    expect(ROOM_ID_BITS).toBeGreaterThanOrEqual(64);
  });

  it('are canonical and do not repeat', () => {
    const ids = new Set(Array.from({ length: 2_000 }, createRoomId));
    expect(ids.size).toBe(2_000);
    for (const id of ids) expect(isRoomId(id)).toBe(true);
  });

  it('made from an index are canonical, distinct and the same every time', () => {
    const indexes = [0, 1, 31, 32, 1_000, 2 ** 40];
    const ids = indexes.map(roomIdFromIndex);
    expect(new Set(ids).size).toBe(indexes.length);
    for (const id of ids) expect(isRoomId(id)).toBe(true);
    expect(roomIdFromIndex(0)).toBe('00000-00000-00000');
    expect(roomIdFromIndex(33)).toBe('00000-00000-00011');
  });

  it('use every symbol of the alphabet about equally', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 4_000; i++) {
      for (const symbol of createRoomId().replaceAll('-', '')) {
        counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
      }
    }
    expect(counts.size).toBe(32);
    const expected = (4_000 * 15) / 32;
    for (const count of counts.values())
      expect(Math.abs(count - expected) / expected).toBeLessThan(0.15);
  });

  it('parse pasted links and codes typed loosely', () => {
    expect(parseRoomInput('https://calls.example/call/7k3mq-x9tbd-4rw8h?x=1')).toBe(
      '7k3mq-x9tbd-4rw8h',
    );
    expect(parseRoomInput('  7K3MQ X9TBD 4RW8H ')).toBe('7k3mq-x9tbd-4rw8h');
    expect(parseRoomInput('7k3mqx9tbd4rw8h')).toBe('7k3mq-x9tbd-4rw8h');
    // Look-alikes: O is 0, I and L are 1.
    expect(parseRoomInput('7k3mq-x9tbd-4rwOI')).toBe('7k3mq-x9tbd-4rw01');
  });

  it('refuse what cannot be a room id', () => {
    for (const input of [
      '',
      'hello',
      '7k3mq-x9tbd-4rw8',
      '7k3mq-x9tbd-4rw8hh',
      '7k3mq-x9tbd-4rw8u',
      '../../etc',
    ]) {
      expect(parseRoomInput(input)).toBeNull();
    }
    expect(isRoomId('7K3MQ-X9TBD-4RW8H')).toBe(false);
  });
});
