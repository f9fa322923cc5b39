/**
 * A call that outgrows the mesh, against a real Janus: with MESH_MAX=2 the room moves to the SFU
 * when a third person joins. Chat then goes through our server (seen on the pages' own signaling
 * sockets), and the header, the People panel, the chat panel and the Send-a-file dialog say how
 * the call runs. Nobody's video is looked at here, so everyone joins with the camera off.
 */
import type { Page } from '@playwright/test';
import {
  janusExecutable,
  NO_JANUS,
  startJanus,
  type JanusServer,
} from '../tests/support/janus-server';
import { startAppServer, type AppServer } from './support/app-server';
import { expect, test, type Person } from './support/fixtures';

test.skip(janusExecutable() === null, NO_JANUS);

let janus: JanusServer;
let server: AppServer;

test.beforeAll(async () => {
  janus = await startJanus();
  server = await startAppServer({
    env: {
      JANUS_URL: janus.url,
      JANUS_API_SECRET: janus.apiSecret,
      MESH_MAX: '2',
      ROOM_CAPACITY: '8',
      LOG_LEVEL: 'warn',
    },
  });
});

test.afterAll(async () => {
  await server?.stop();
  await janus?.stop();
});

interface ChatFrame {
  type: 'chat';
  id: string;
  text: string;
  from?: string;
}

/** Every chat frame the page's signaling socket sends and receives, from the moment it opens. */
function watchSignaling(page: Page): { sent: ChatFrame[]; received: ChatFrame[] } {
  const frames = { sent: [] as ChatFrame[], received: [] as ChatFrame[] };
  const chatOf = (payload: string | Buffer): ChatFrame | null => {
    try {
      const message = JSON.parse(payload.toString()) as { type?: unknown };
      return message.type === 'chat' ? (message as ChatFrame) : null;
    } catch {
      return null;
    }
  };
  page.on('websocket', (socket) => {
    if (!socket.url().endsWith('/ws')) return;
    socket.on('framesent', ({ payload }) => {
      const chat = chatOf(payload);
      if (chat) frames.sent.push(chat);
    });
    socket.on('framereceived', ({ payload }) => {
      const chat = chatOf(payload);
      if (chat) frames.received.push(chat);
    });
  });
  return frames;
}

async function cameraOff(...people: Person[]): Promise<void> {
  for (const person of people) {
    await person.preferQuality('audio-only');
  }
}

async function openChat(person: Person): Promise<void> {
  if ((await person.page.getByLabel('Message').count()) === 0) await person.press('Chat');
}

/** The chat lines `person` sees, each "sender: text" ("You" for their own). */
async function expectChat(person: Person, lines: string[]): Promise<void> {
  await openChat(person);
  await expect.poll(() => person.chatMessages()).toEqual(lines);
}

test('a call that outgrows the mesh sends chat through the server, and every panel says how the call runs', async ({
  alice,
  bob,
  carol,
  roomId,
}) => {
  // Three browsers on a shared machine: about 20 s alone, several times that under load.
  test.setTimeout(180_000);
  await cameraOff(alice, bob, carol);
  const sockets = new Map(
    [alice, bob, carol].map((person) => [person, watchSignaling(person.page)]),
  );
  const framesOf = (person: Person) => sockets.get(person)!;

  // Two people: a mesh, and chat over the peer links.
  await alice.join(roomId, server.url);
  await bob.join(roomId, server.url);
  // Alice hears Bob: her link, and the chat channel it carries, are up.
  await alice.expectMediaFrom('Bob', { video: false, timeout: 30_000 });
  for (const person of [alice, bob]) {
    await expect(person.page.getByTestId('call-mode')).toHaveAttribute('data-mode', 'peer-to-peer');
    await expect(person.page.getByTestId('call-mode')).toHaveText('Peer to peer');
  }
  await openChat(bob);
  await expect(bob.page.getByTestId('chat-route')).toHaveAttribute('data-route', 'peer-to-peer');
  await expect(bob.page.getByTestId('chat-route')).toContainText('Messages go peer to peer');
  await alice.sendChat('over the links');
  await expectChat(bob, ['Alice: over the links']);
  expect(framesOf(alice).sent).toEqual([]);
  expect(framesOf(bob).received).toEqual([]);

  // A third person: the room moves to the SFU, and chat goes through the server from now on.
  await carol.join(roomId, server.url);
  for (const person of [alice, bob, carol]) {
    await expect(person.page.getByTestId('call-mode')).toHaveAttribute(
      'data-mode',
      /^(moving-to-media-server|media-server)$/,
    );
  }
  await openChat(carol);
  for (const person of [alice, bob, carol]) {
    await openChat(person);
    await expect(person.page.getByTestId('chat-route')).toHaveAttribute('data-route', 'server');
    await expect(person.page.getByTestId('chat-route')).toContainText(
      'Messages pass through this service’s server',
    );
  }
  await carol.sendChat('through the server');
  // Alice answers once she has read it, so both see the messages in the same order.
  await expectChat(alice, ['You: over the links', 'Carol: through the server']);
  await alice.sendChat('hello Carol');
  await expectChat(alice, ['You: over the links', 'Carol: through the server', 'You: hello Carol']);
  await expectChat(bob, [
    'Alice: over the links',
    'Carol: through the server',
    'Alice: hello Carol',
  ]);
  await expectChat(carol, ['You: through the server', 'Alice: hello Carol']);
  // On the wire: each message left its sender's socket once and reached the others' sockets.
  expect(framesOf(carol).sent.map((frame) => frame.text)).toEqual(['through the server']);
  expect(framesOf(alice).sent.map((frame) => frame.text)).toEqual(['hello Carol']);
  expect(framesOf(bob).received.map((frame) => frame.text)).toEqual([
    'through the server',
    'hello Carol',
  ]);
  expect(framesOf(alice).received.map((frame) => frame.text)).toEqual(['through the server']);
  expect(framesOf(carol).received.map((frame) => frame.text)).toEqual(['hello Carol']);
  await carol.screenshot('chat through the server');

  // Once everyone's media flows through Janus, the header, the People panel and the
  // Send-a-file dialog all say so.
  for (const person of [alice, bob, carol]) {
    await expect(person.page.getByTestId('call-mode')).toHaveAttribute(
      'data-mode',
      'media-server',
      {
        timeout: 60_000,
      },
    );
  }
  await bob.page.getByRole('button', { name: /^People: 3 in the call/ }).click();
  await expect(bob.page.getByTestId('media-server-notice')).toBeVisible();
  await expect(bob.page.getByTestId('call-mode-notice')).toHaveCount(0);
  await expect(bob.page.getByTestId('safety-code')).toHaveCount(0);
  await bob.screenshot('people panel in a call on the media server');
  await bob.page.getByRole('button', { name: 'Send a file' }).click();
  const dialog = bob.page.getByRole('dialog', { name: 'Send a file' });
  await expect(dialog.getByTestId('file-mode-note')).toHaveAttribute('data-mode', 'media-server');
  await expect(dialog.getByTestId('file-mode-note')).toContainText('files cannot be sent');
  await expect(dialog.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();

  // The home page of a server with a media server does not promise peer to peer for every call.
  await carol.page.goto(server.url);
  await expect(carol.page.getByText('Peer to peer for small calls')).toBeVisible();
  await expect(
    carol.page.getByText('Bigger calls pass through this service’s media server'),
  ).toBeVisible();
});
