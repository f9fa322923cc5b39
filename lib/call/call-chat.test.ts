import { describe, expect, it } from 'vitest';
import { MAX_CHAT_LENGTH } from '../chat/chat-message';
import { CallChat } from './call-chat';
import type { ChatEntry } from './call-store';

const BOB = 'BBBBBBBBBBBB';
const STRANGER = 'XXXXXXXXXXXX';

function chat() {
  const sent: string[] = [];
  const entries: ChatEntry[] = [];
  const calls = new CallChat({
    send: (data) => sent.push(data),
    senderName: (peerId) => (peerId === BOB ? 'Bob' : undefined),
    selfName: () => 'Ann',
    addEntry: (entry) => entries.push(entry),
    newId: () => 'id-1',
    now: () => 42,
  });
  return { chat: calls, sent, entries };
}

describe('CallChat', () => {
  it('sends trimmed text to everyone and shows it as ours', () => {
    const c = chat();
    c.chat.send('  hello  ');
    expect(c.sent.map((data) => JSON.parse(data) as unknown)).toEqual([
      { type: 'chat', id: 'id-1', text: 'hello' },
    ]);
    expect(c.entries).toEqual([{ id: 'id-1', peerId: null, name: 'Ann', text: 'hello', at: 42 }]);
  });

  it('sends nothing blank, and cuts what is too long', () => {
    const c = chat();
    c.chat.send('   ');
    expect(c.sent).toEqual([]);
    c.chat.send('x'.repeat(MAX_CHAT_LENGTH + 10));
    expect((JSON.parse(c.sent[0]!) as { text: string }).text).toHaveLength(MAX_CHAT_LENGTH);
  });

  it('shows a valid message under the name signaling gave its sender', () => {
    const c = chat();
    c.chat.receive(BOB, JSON.stringify({ type: 'chat', id: 'm1', text: 'hi', name: 'Mallory' }));
    expect(c.entries).toEqual([{ id: `${BOB}:m1`, peerId: BOB, name: 'Bob', text: 'hi', at: 42 }]);
  });

  it('drops what is not a chat message, and messages from people not in the call', () => {
    const c = chat();
    for (const data of [
      'not json',
      JSON.stringify({ type: 'chat', id: '', text: 'no id' }),
      JSON.stringify({ type: 'chat', id: 'm', text: '' }),
      JSON.stringify({ type: 'other', id: 'm', text: 'x' }),
      new ArrayBuffer(4),
    ])
      c.chat.receive(BOB, data);
    c.chat.receive(STRANGER, JSON.stringify({ type: 'chat', id: 'm', text: 'hi' }));
    expect(c.entries).toEqual([]);
  });
});
