// WebSockets to Edge's read-aloud service through msedge-tts: one MsEdgeTTS
// instance is one WebSocket, and it speaks one request at a time. Open ones are
// kept for the next segment of the same voice (saving a TLS handshake per
// segment); any failure throws the connection away, so the next try connects
// afresh.
//
// msedge-tts has sharp edges this file keeps away from the rest of the service:
// - a request sent while its socket is not open makes it reconnect inside a
//   promise nobody awaits, whose rejection would crash the process, so a
//   request is only sent on a socket seen open in the same tick;
// - when a socket closes it fails every stream the instance has, and frames for
//   a request it no longer knows throw inside the socket's handler, so an
//   instance is never reconnected or reused after trouble: it is terminated
//   (no more frames) and replaced;
// - setMetadata cannot be cancelled, so an abort terminates the socket, and one
//   that opens after the abort is terminated as soon as it does;
// - its message handler throws on a frame it does not expect (no X-RequestId,
//   an unknown request), which would be an uncaught exception in the socket's
//   data handler; the handler is wrapped so such a frame ends this connection
//   (and fails its request, which is then tried again) instead of the process.
import { MsEdgeTTS, OUTPUT_FORMAT } from "msedge-tts";
import { HttpStatusError } from "@lectra/resilience";

/** Asked of Edge for every segment: 24 kHz mono MP3, which we decode to our PCM. */
export const EDGE_OUTPUT_FORMAT = OUTPUT_FORMAT.AUDIO_24KHZ_48KBITRATE_MONO_MP3;

/** One utterance: every string here is already safe to paste into SSML (see edge-ssml.ts). */
export interface EdgeRequest {
  voice: string;
  locale: string;
  ssmlText: string;
  rate: string;
  pitch: string;
  volume: string;
}

export interface EdgeAnswer {
  mp3: Buffer;
  /** The audio.metadata messages, one JSON document each. */
  metadata: Buffer[];
}

/** The parts of msedge-tts that its type declarations mark private but that we must reach. */
interface MsEdgeTTSInternals {
  _ws?: { readyState: number; OPEN: number; terminate(): void; onmessage: ((event: unknown) => void) | null };
}
interface MsEdgeTTSStatics {
  WSS_URL: string;
  VOICES_URL: string;
}
const statics = MsEdgeTTS as unknown as MsEdgeTTSStatics;

/** The service's real addresses, as msedge-tts has them. */
export const EDGE_DEFAULT_WSS_URL = statics.WSS_URL;
export const EDGE_DEFAULT_VOICES_URL = statics.VOICES_URL;

/**
 * Points msedge-tts at `url` (the environment's LECTRA_EDGE_TTS_URL, a local fake
 * in tests): the library builds its socket URL from this static class field
 * and offers no option for it.
 */
export function useEdgeUrl(url: string): void {
  statics.WSS_URL = url;
}

/** A connection that ended before Edge's turn.end: the audio is cut short. Transient, like a reset. */
export function droppedConnection(detail = "Edge TTS closed the connection before the end of the audio"): Error {
  return Object.assign(new Error(detail), { code: "ECONNRESET" });
}

/** msedge-tts reports a refused upgrade as "Unexpected server response: 403"; as an HTTP status, retry rules can tell 5xx from 4xx. */
function withStatus(error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const status = /Unexpected server response: (\d{3})/.exec(message);
  return status ? new HttpStatusError(Number(status[1]), statics.WSS_URL, "on the WebSocket upgrade") : error;
}

const guarded = new WeakSet<object>();

export class EdgeConnection {
  private readonly tts = new MsEdgeTTS();
  private terminated = false;

  constructor(readonly voice: string) {}

  get isOpen(): boolean {
    const ws = (this.tts as unknown as MsEdgeTTSInternals)._ws;
    return !this.terminated && ws !== undefined && ws.readyState === ws.OPEN;
  }

  /** Stops the socket at once: no more frames, and every stream of this instance fails. */
  terminate(): void {
    this.terminated = true;
    (this.tts as unknown as MsEdgeTTSInternals)._ws?.terminate();
  }

  async speak(request: EdgeRequest, signal: AbortSignal): Promise<EdgeAnswer> {
    signal.throwIfAborted();
    const onAbort = () => this.terminate();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await this.open(request, signal);
      if (!this.isOpen) throw droppedConnection("Edge TTS closed the connection before the request was sent");
      this.guardMessages();
      // Same tick as the check above: msedge-tts sends on the open socket without reconnecting.
      const { audioStream, metadataStream } = this.tts.toStream(request.ssmlText, { rate: request.rate, pitch: request.pitch, volume: request.volume });
      return await new Promise<EdgeAnswer>((resolve, reject) => {
        const audio: Buffer[] = [];
        const metadata: Buffer[] = [];
        // Listening at once puts both streams in flowing mode: each metadata message is
        // handed over as it arrives, before the turn.end that ends the audio.
        metadataStream?.on("data", (chunk: Buffer) => metadata.push(Buffer.from(chunk)));
        metadataStream?.on("error", () => undefined); // the audio stream reports the failure
        audioStream.on("data", (chunk: Buffer) => audio.push(Buffer.from(chunk)));
        audioStream.once("end", () => resolve({ mp3: Buffer.concat(audio), metadata }));
        audioStream.once("error", () => reject(signal.aborted ? signal.reason : droppedConnection()));
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Wraps the library's message handler once per socket: a frame it chokes on ends the connection, not the process. */
  private guardMessages(): void {
    const ws = (this.tts as unknown as MsEdgeTTSInternals)._ws;
    const handle = ws?.onmessage;
    if (!ws || !handle || guarded.has(handle)) return;
    const guard = (event: unknown) => {
      try {
        handle.call(ws, event);
      } catch {
        this.terminate();
      }
    };
    guarded.add(guard);
    ws.onmessage = guard;
  }

  /** Connects (or keeps the open socket) and sends the speech.config: MP3, word boundaries on. */
  private async open(request: EdgeRequest, signal: AbortSignal): Promise<void> {
    const opening = this.tts.setMetadata(request.voice, EDGE_OUTPUT_FORMAT, {
      voiceLocale: request.locale,
      wordBoundaryEnabled: true,
      sentenceBoundaryEnabled: false,
    });
    // A socket that opens after we gave up on it would stay open, unused.
    opening.then(
      () => this.terminated && this.terminate(),
      () => undefined,
    );
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      opening.then(
        () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
        (error: unknown) => {
          signal.removeEventListener("abort", onAbort);
          reject(withStatus(error));
        },
      );
    });
  }
}

/**
 * Open connections waiting for their next request, newest last. The engine's
 * concurrency limit bounds how many are in use; at most `size` wait here.
 */
export class EdgeConnectionPool {
  private readonly idle: EdgeConnection[] = [];

  constructor(private readonly size: number) {}

  async speak(request: EdgeRequest, signal: AbortSignal): Promise<EdgeAnswer> {
    const connection = this.take(request.voice) ?? new EdgeConnection(request.voice);
    try {
      const answer = await connection.speak(request, signal);
      this.giveBack(connection);
      return answer;
    } catch (error) {
      connection.terminate();
      throw error;
    }
  }

  /** Connections waiting now (for tests and logs). */
  get idleCount(): number {
    return this.idle.length;
  }

  close(): void {
    for (const connection of this.idle.splice(0)) connection.terminate();
  }

  /** The newest open connection for this voice; closed ones found on the way are dropped. */
  private take(voice: string): EdgeConnection | undefined {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const connection = this.idle[i];
      if (!connection.isOpen) {
        this.idle.splice(i, 1);
        connection.terminate();
      } else if (connection.voice === voice) {
        this.idle.splice(i, 1);
        return connection;
      }
    }
    return undefined;
  }

  private giveBack(connection: EdgeConnection): void {
    if (!connection.isOpen) return connection.terminate();
    this.idle.push(connection);
    while (this.idle.length > this.size) this.idle.shift()!.terminate();
  }
}
