import { MAX_FILE_BYTES, type FileControlMessage } from '../control/control-message';
import { assertNever } from '../signaling/protocol';
import { safeFileName } from './file-name';

/** Bytes per message: 16 KiB goes through every browser's SCTP stack unsplit. */
export const CHUNK_BYTES = 16 * 1024;
/** Sending pauses above this much queued data, and resumes when it falls to the low mark. */
export const BUFFER_HIGH_BYTES = 4 * 1024 * 1024;
export const BUFFER_LOW_BYTES = 1024 * 1024;
/** The file is read from disk this much at a time, and sent in chunks. */
const READ_BYTES = 1024 * 1024;
/** The label of a transfer's data channel; the receiver finds the transfer by it. */
export const TRANSFER_CHANNEL_PREFIX = 'file:';
/** Progress reaches the UI at most this often. */
const PROGRESS_EVERY_MS = 100;

export type TransferDirection = 'outgoing' | 'incoming';

export type TransferStatus =
  /** Outgoing: waiting for the receiver to answer. Incoming: waiting for this person to. */
  'offered' | 'transferring' | 'done' | 'declined' | 'cancelled' | 'failed';

/** A transfer as the UI shows it: plain data. */
/** Why a transfer ended other than done; the list says it in the person's language. */
export type TransferReason =
  | 'you-declined'
  | 'you-cancelled'
  | 'they-declined'
  | 'they-cancelled'
  | 'they-left'
  | 'link-dropped'
  | 'call-ended'
  | 'no-connection'
  | 'sending-stopped'
  | 'not-a-file'
  | 'too-much'
  | 'closed-early';

export interface TransferView {
  id: string;
  direction: TransferDirection;
  peerId: string;
  /** Safe to offer as a download name (see safeFileName). */
  name: string;
  size: number;
  bytes: number;
  status: TransferStatus;
  /** Why it failed or stopped, for the person to read. */
  reason: TransferReason | null;
  /** An incoming file, once complete: a blob: URL to offer as a download, never to open. */
  downloadUrl: string | null;
}

export interface FileTransfersOptions {
  /** Sends a control message to one person over their link (queued until it is open). */
  sendControl(peerId: string, message: FileControlMessage): void;
  /** Opens a data channel of its own on the link to `peerId`, or null if there is no open link. */
  openChannel(peerId: string, label: string): RTCDataChannel | null;
  onChange(transfers: readonly TransferView[]): void;
  newId?(): string;
}

interface Transfer extends TransferView {
  file: Blob | null;
  channel: RTCDataChannel | null;
  chunks: ArrayBuffer[];
}

const FINISHED: readonly TransferStatus[] = ['done', 'declined', 'cancelled', 'failed'];

export function transferFinished(status: TransferStatus): boolean {
  return FINISHED.includes(status);
}

/**
 * Files sent peer to peer. Each transfer: the sender offers (name and size) on the link's control
 * channel; nothing flows until the receiver accepts; the sender then opens a data channel of its
 * own for it and sends the file in chunks, pausing while the channel's buffer is full. Either side
 * can cancel at any time; a link that drops or a channel that closes early fails the transfer. The
 * received file is kept in memory and offered only as a download.
 */
export class FileTransfers {
  private readonly transfers = new Map<string, Transfer>();
  private progressTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: FileTransfersOptions) {}

  /** Offers `file` to each of `peerIds`, one transfer per person; returns why not, or null. */
  offer(file: File, peerIds: readonly string[]): 'too-big' | 'no-one' | null {
    if (file.size > MAX_FILE_BYTES) return 'too-big';
    if (peerIds.length === 0) return 'no-one';
    for (const peerId of peerIds) {
      const id = this.options.newId?.() ?? crypto.randomUUID();
      this.transfers.set(id, {
        id,
        direction: 'outgoing',
        peerId,
        name: safeFileName(file.name),
        size: file.size,
        bytes: 0,
        status: 'offered',
        reason: null,
        downloadUrl: null,
        file,
        channel: null,
        chunks: [],
      });
      this.options.sendControl(peerId, {
        type: 'file-offer',
        transferId: id,
        name: file.name.slice(0, 1_000) || 'file',
        size: file.size,
      });
    }
    this.changed();
    return null;
  }

  accept(id: string): void {
    const transfer = this.transfers.get(id);
    if (transfer?.direction !== 'incoming' || transfer.status !== 'offered') return;
    transfer.status = 'transferring';
    this.options.sendControl(transfer.peerId, { type: 'file-accept', transferId: id });
    this.changed();
  }

  decline(id: string): void {
    const transfer = this.transfers.get(id);
    if (transfer?.direction !== 'incoming' || transfer.status !== 'offered') return;
    this.options.sendControl(transfer.peerId, { type: 'file-decline', transferId: id });
    this.finish(transfer, 'declined', 'you-declined');
  }

  /** Stops a transfer from this side, and tells the other. */
  cancel(id: string): void {
    const transfer = this.transfers.get(id);
    if (!transfer || transferFinished(transfer.status)) return;
    this.options.sendControl(transfer.peerId, { type: 'file-cancel', transferId: id });
    this.finish(transfer, 'cancelled', 'you-cancelled');
  }

  /** Forgets a finished transfer and frees its file. */
  dismiss(id: string): void {
    const transfer = this.transfers.get(id);
    if (!transfer || !transferFinished(transfer.status)) return;
    if (transfer.downloadUrl) URL.revokeObjectURL(transfer.downloadUrl);
    this.transfers.delete(id);
    this.changed();
  }

  /** A validated file message from `peerId`'s control channel. */
  receiveControl(peerId: string, message: FileControlMessage): void {
    const transfer = this.transfers.get(message.transferId);
    // Ids are trusted only between the two people of a transfer.
    if (transfer && transfer.peerId !== peerId) return;
    switch (message.type) {
      case 'file-offer':
        if (transfer) return;
        this.transfers.set(message.transferId, {
          id: message.transferId,
          direction: 'incoming',
          peerId,
          name: safeFileName(message.name),
          size: message.size,
          bytes: 0,
          status: 'offered',
          reason: null,
          downloadUrl: null,
          file: null,
          channel: null,
          chunks: [],
        });
        return this.changed();
      case 'file-accept':
        if (transfer?.direction === 'outgoing' && transfer.status === 'offered')
          this.startSending(transfer);
        return;
      case 'file-decline':
        if (transfer?.direction === 'outgoing' && transfer.status === 'offered')
          this.finish(transfer, 'declined', 'they-declined');
        return;
      case 'file-cancel':
        if (transfer && !transferFinished(transfer.status))
          this.finish(transfer, 'cancelled', 'they-cancelled');
        return;
      case 'file-received':
        if (transfer?.direction === 'outgoing' && transfer.status === 'transferring') {
          transfer.bytes = transfer.size;
          this.finish(transfer, 'done', null);
        }
        return;
      default:
        return assertNever(message);
    }
  }

  /**
   * A data channel `peerId` opened to us. Returns false if it is not a file channel. A file channel
   * that belongs to no transfer this person accepted is closed unread.
   */
  incomingChannel(peerId: string, channel: RTCDataChannel): boolean {
    if (!channel.label.startsWith(TRANSFER_CHANNEL_PREFIX)) return false;
    const transfer = this.transfers.get(channel.label.slice(TRANSFER_CHANNEL_PREFIX.length));
    if (
      transfer?.peerId !== peerId ||
      transfer.direction !== 'incoming' ||
      transfer.status !== 'transferring' ||
      transfer.channel
    ) {
      channel.close();
      return true;
    }
    transfer.channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.onmessage = ({ data }) => this.receiveChunk(transfer, data);
    channel.onclose = () => this.channelClosed(transfer);
    channel.onerror = () => this.channelClosed(transfer);
    return true;
  }

  /** The link to `peerId` dropped or was replaced, or they left: their transfers cannot go on. */
  linkLost(peerId: string, why: 'they-left' | 'link-dropped'): void {
    for (const transfer of this.transfers.values()) {
      if (transfer.peerId === peerId && !transferFinished(transfer.status))
        this.finish(transfer, 'failed', why);
    }
  }

  /** Stops everything and frees every file (the call ended). */
  close(): void {
    for (const transfer of this.transfers.values()) {
      if (!transferFinished(transfer.status)) {
        this.options.sendControl(transfer.peerId, {
          type: 'file-cancel',
          transferId: transfer.id,
        });
        this.finish(transfer, 'cancelled', 'call-ended', false);
      }
      if (transfer.downloadUrl) URL.revokeObjectURL(transfer.downloadUrl);
    }
    this.transfers.clear();
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = null;
    this.changed();
  }

  private startSending(transfer: Transfer): void {
    const channel = this.options.openChannel(
      transfer.peerId,
      TRANSFER_CHANNEL_PREFIX + transfer.id,
    );
    if (!channel) {
      this.options.sendControl(transfer.peerId, { type: 'file-cancel', transferId: transfer.id });
      return this.finish(transfer, 'failed', 'no-connection');
    }
    transfer.status = 'transferring';
    transfer.channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = BUFFER_LOW_BYTES;
    channel.onclose = () => this.channelClosed(transfer);
    channel.onerror = () => this.channelClosed(transfer);
    channel.onopen = () => void this.sendFile(transfer, channel);
    this.changed();
  }

  private async sendFile(transfer: Transfer, channel: RTCDataChannel): Promise<void> {
    const file = transfer.file;
    if (!file) return;
    const sending = () => transfer.status === 'transferring' && channel.readyState === 'open';
    try {
      for (let offset = 0; offset < file.size && sending(); offset += READ_BYTES) {
        const block = await file.slice(offset, offset + READ_BYTES).arrayBuffer();
        for (let start = 0; start < block.byteLength && sending(); start += CHUNK_BYTES) {
          if (channel.bufferedAmount > BUFFER_HIGH_BYTES) await drained(channel);
          if (!sending()) return;
          const chunk = block.slice(start, start + CHUNK_BYTES);
          channel.send(chunk);
          // What has left the buffer has been handed to the network.
          transfer.bytes = offset + start + chunk.byteLength - channel.bufferedAmount;
          this.progressed();
        }
      }
    } catch (error) {
      if (!sending()) return;
      this.options.sendControl(transfer.peerId, { type: 'file-cancel', transferId: transfer.id });
      console.warn('Sending a file stopped:', error);
      this.finish(transfer, 'failed', 'sending-stopped');
    }
    // It is done once the receiver says it has every byte (file-received).
  }

  private receiveChunk(transfer: Transfer, data: unknown): void {
    if (transfer.status !== 'transferring') return;
    if (!(data instanceof ArrayBuffer)) {
      return this.failIncoming(transfer, 'not-a-file');
    }
    transfer.chunks.push(data);
    transfer.bytes += data.byteLength;
    if (transfer.bytes > transfer.size) {
      return this.failIncoming(transfer, 'too-much');
    }
    if (transfer.bytes < transfer.size) return this.progressed();
    // Typed as opaque bytes, so that no browser ever renders it, whatever its name says.
    const blob = new Blob(transfer.chunks, { type: 'application/octet-stream' });
    transfer.chunks = [];
    transfer.downloadUrl = URL.createObjectURL(blob);
    this.options.sendControl(transfer.peerId, {
      type: 'file-received',
      transferId: transfer.id,
    });
    this.finish(transfer, 'done', null);
  }

  private failIncoming(transfer: Transfer, why: TransferReason): void {
    this.options.sendControl(transfer.peerId, { type: 'file-cancel', transferId: transfer.id });
    this.finish(transfer, 'failed', why);
  }

  private channelClosed(transfer: Transfer): void {
    if (transfer.status === 'transferring') this.finish(transfer, 'failed', 'closed-early');
  }

  private finish(
    transfer: Transfer,
    status: TransferStatus,
    reason: TransferReason | null,
    notify = true,
  ): void {
    transfer.status = status;
    transfer.reason = reason;
    transfer.file = null;
    transfer.chunks = [];
    const channel = transfer.channel;
    transfer.channel = null;
    if (channel) {
      channel.onmessage = null;
      channel.onclose = null;
      channel.onerror = null;
      channel.onopen = null;
      channel.close();
    }
    if (notify) this.changed();
  }

  private progressed(): void {
    if (this.progressTimer) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = null;
      this.changed();
    }, PROGRESS_EVERY_MS);
  }

  private changed(): void {
    this.options.onChange(
      [...this.transfers.values()].map(
        ({ id, direction, peerId, name, size, bytes, status, reason, downloadUrl }) => ({
          id,
          direction,
          peerId,
          name,
          size,
          bytes: Math.max(0, Math.min(bytes, size)),
          status,
          reason,
          downloadUrl,
        }),
      ),
    );
  }
}

/** Resolves when `channel`'s buffer falls to its low mark, or it closes. */
function drained(channel: RTCDataChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      channel.removeEventListener('bufferedamountlow', done);
      channel.removeEventListener('close', done);
      resolve();
    };
    channel.addEventListener('bufferedamountlow', done);
    channel.addEventListener('close', done);
  });
}
