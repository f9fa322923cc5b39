import { describe, expect, it } from 'vitest';
import { linkify, parseChatPayload } from './chat-message';

describe('linkify', () => {
  it('turns http and https URLs into links and leaves the rest as text', () => {
    expect(linkify('see https://example.com/a?b=1 and http://x.org.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'http://x.org', href: 'http://x.org/' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('keeps a parenthesis that is part of the URL', () => {
    expect(linkify('https://en.wikipedia.org/wiki/Mesh_(disambiguation)')[0]).toMatchObject({
      kind: 'link',
      text: 'https://en.wikipedia.org/wiki/Mesh_(disambiguation)',
    });
  });

  it('never links other schemes, and passes markup through as text', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<b>x</b>',
      '<img src=x onerror=alert(1)>',
    ]) {
      expect(linkify(text)).toEqual([{ kind: 'text', text }]);
    }
  });

  it('does not let markup ride along inside a link', () => {
    const segments = linkify('https://a.example/"><script>x</script>');
    expect(segments[0]).toEqual({
      kind: 'link',
      text: 'https://a.example/',
      href: 'https://a.example/',
    });
  });
});

describe('parseChatPayload', () => {
  it('accepts a chat message and refuses anything else', () => {
    expect(parseChatPayload(JSON.stringify({ type: 'chat', id: 'm1', text: 'hi' }))).toEqual({
      type: 'chat',
      id: 'm1',
      text: 'hi',
    });
    for (const raw of [
      '{',
      '[]',
      JSON.stringify({ type: 'chat', id: 'm1', text: '' }),
      42,
      new ArrayBuffer(2),
    ]) {
      expect(parseChatPayload(raw)).toBeNull();
    }
    expect(
      parseChatPayload(JSON.stringify({ type: 'chat', id: 'm', text: 'x'.repeat(2_001) })),
    ).toBeNull();
  });
});
