import { describe, expect, it } from 'vitest';
import { MAX_CHAT_LENGTH } from '../chat/chat-message';
import { CallChat } from './call-chat';
import type { ChatRoute } from './call-mode';
import type { ChatEntry } from './call-store';

const BOB = 'BBBBBBBBBBBB';
const STRANGER = 'XXXXXXXXXXXX';

function chat(route: { now: ChatRoute } = { now: 'peer-to-peer' }) {
  const sent: string[] = [];
  const throughServer: { id: string; text: string }[] = [];
  const entries: ChatEntry[] = [];
  let ids = 0;
  const calls = new CallChat({
    sendOverLinks: (data) => sent.push(data),
    sendThroughServer: (message) => throughServer.push(message),
    route: () => route.now,
    senderName: (peerId) => (peerId === BOB ? 'Bob' : undefined),
    selfName: () => 'Ann',
    addEntry: (entry) => entries.push(entry),
    newId: () => `id-${++ids}`,
    now: () => 42,
  });
  return { chat: calls, sent, throughServer, entries, route };
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

  it('sends through the server while the call is on the SFU, and over the links in a mesh', () => {
    const c = chat({ now: 'server' });
    c.chat.send('one');
    c.route.now = 'peer-to-peer';
    c.chat.send('two');
    expect(c.throughServer).toEqual([{ id: 'id-1', text: 'one' }]);
    expect(c.sent.map((data) => JSON.parse(data) as unknown)).toEqual([
      { type: 'chat', id: 'id-2', text: 'two' },
    ]);
    expect(c.entries.map((entry) => entry.text)).toEqual(['one', 'two']);
  });

  it('shows a message relayed by the server, under the name signaling gave its sender', () => {
    const c = chat();
    c.chat.receiveFromServer(BOB, 'm1', 'hi');
    c.chat.receiveFromServer(STRANGER, 'm2', 'who?');
    expect(c.entries).toEqual([{ id: `${BOB}:m1`, peerId: BOB, name: 'Bob', text: 'hi', at: 42 }]);
  });

  it('shows a message once when it arrives both ways or twice, whatever mode this page is in', () => {
    const c = chat({ now: 'server' });
    c.chat.receive(BOB, JSON.stringify({ type: 'chat', id: 'm1', text: 'hi' }));
    c.chat.receiveFromServer(BOB, 'm1', 'hi');
    c.chat.receiveFromServer(BOB, 'm1', 'hi');
    c.chat.receiveFromServer(BOB, 'm2', 'again');
    expect(c.entries.map((entry) => entry.id)).toEqual([`${BOB}:m1`, `${BOB}:m2`]);
  });
});
