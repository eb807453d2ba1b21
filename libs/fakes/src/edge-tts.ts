// A fake of Microsoft Edge's read-aloud speech service on loopback, speaking the
// protocol `msedge-tts` speaks to the real one:
//   GET  /consumer/speech/synthesize/readaloud/voices/list?trustedclienttoken=…  → the voice list (JSON)
//   WebSocket /consumer/speech/synthesize/readaloud/edge/v1?TrustedClientToken=…&Sec-MS-GEC=…
//     ← text "Path:speech.config" (output format, word boundaries on/off)
//     ← text "X-RequestId:…\r\n…Path:ssml\r\n\r\n<speak>…" (one per utterance)
//     → text turn.start, response, audio.metadata (WordBoundary), binary audio frames
//       (2-byte big-endian header length, headers ending "Path:audio\r\n", MP3 bytes),
//       text turn.end
// The audio is real MP3 (ffmpeg + libmp3lame, 24 kHz mono 48 kbit/s CBR with no
// Xing/LAME header, like Edge's stream) of a voiced buzz: one burst per word,
// exact silence between words, and the WordBoundary offsets say exactly where
// each burst is. Words last longer the more letters they have, so timings spread
// evenly over a segment are wrong. Knobs: latency before the first frame, a
// real-time factor for streaming the audio, and failures (HTTP status on the
// upgrade, a closed socket, a close in the middle of the audio, invalid SSML).
import { spawn } from "node:child_process";
import type * as http from "node:http";
import type { Duplex } from "node:stream";
import { ensureExecutable } from "@lectra/launcher";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { delay, FakeHttpServer, sendJson } from "./http";

export const EDGE_TRUSTED_CLIENT_TOKEN = "6A5AA1D4EAFF4E9FB37E23D68491D6F4";
export const EDGE_SYNTH_PATH = "/consumer/speech/synthesize/readaloud/edge/v1";
export const EDGE_VOICES_PATH = "/consumer/speech/synthesize/readaloud/voices/list";
/** The one output format the fake speaks (and the one LECTRA asks for). */
export const EDGE_MP3_FORMAT = "audio-24khz-48kbitrate-mono-mp3";
export const EDGE_SAMPLE_RATE = 24_000;
/** Edge's offsets and durations are in 100-ns ticks. */
export const TICKS_PER_SECOND = 10_000_000;

/** One entry of the voice list, as the real service writes it. */
export interface EdgeVoiceEntry {
  Name: string;
  ShortName: string;
  Gender: string;
  Locale: string;
  SuggestedCodec: string;
  FriendlyName: string;
  Status: string;
  VoiceTag: { ContentCategories: string[]; VoicePersonalities: string[] };
}

const voiceEntry = (shortName: string, gender: string, person: string, language: string): EdgeVoiceEntry => {
  const locale = shortName.split("-").slice(0, 2).join("-");
  return {
    Name: `Microsoft Server Speech Text to Speech Voice (${locale}, ${shortName.slice(locale.length + 1)})`,
    ShortName: shortName,
    Gender: gender,
    Locale: locale,
    SuggestedCodec: EDGE_MP3_FORMAT,
    FriendlyName: `Microsoft ${person} Online (Natural) - ${language}`,
    Status: "GA",
    VoiceTag: { ContentCategories: ["General"], VoicePersonalities: ["Friendly", "Positive"] },
  };
};

export const FAKE_EDGE_VOICES: EdgeVoiceEntry[] = [
  voiceEntry("en-US-AriaNeural", "Female", "Aria", "English (United States)"),
  voiceEntry("en-US-GuyNeural", "Male", "Guy", "English (United States)"),
  voiceEntry("en-GB-SoniaNeural", "Female", "Sonia", "English (United Kingdom)"),
  voiceEntry("de-DE-KatjaNeural", "Female", "Katja", "German (Germany)"),
  voiceEntry("fr-FR-DeniseNeural", "Female", "Denise", "French (France)"),
  // Other writing systems; Arabic's first voice is not of its likely region (Egypt), as in Edge's own list.
  voiceEntry("hi-IN-SwaraNeural", "Female", "Swara", "Hindi (India)"),
  voiceEntry("hi-IN-MadhurNeural", "Male", "Madhur", "Hindi (India)"),
  voiceEntry("ja-JP-NanamiNeural", "Female", "Nanami", "Japanese (Japan)"),
  voiceEntry("ar-SA-ZariyahNeural", "Female", "Zariyah", "Arabic (Saudi Arabia)"),
  voiceEntry("ar-EG-SalmaNeural", "Female", "Salma", "Arabic (Egypt)"),
];

/** A word the fake said: where its burst is in the audio, in ticks from the audio's start. */
export interface FakeEdgeWord {
  text: string;
  offsetTicks: number;
  durationTicks: number;
}

/** One SSML request, as the fake understood it. */
export interface RecordedSsml {
  requestId: string;
  /** The SSML document exactly as it arrived. */
  ssml: string;
  voice: string;
  lang: string;
  rate: string;
  pitch: string;
  volume: string;
  /** The prosody element's text with entities resolved: what would be spoken. */
  text: string;
  /** Why the SSML was refused (the socket is then closed, as Edge does); undefined when it was spoken. */
  invalid?: string;
  words: FakeEdgeWord[];
  audioSeconds: number;
  /** Which WebSocket it came on (1 for the first connection). */
  connection: number;
}

export type EdgeLatency = number | ((request: RecordedSsml) => number);

/**
 * An HTTP status to answer the WebSocket upgrade with (403 like a bad token, 5xx),
 * "close" to accept the upgrade and drop the socket before answering anything,
 * "close-mid-stream" to drop it after part of the audio, before turn.end, or
 * "garbage" to answer with a frame that breaks the protocol (no X-RequestId).
 */
export type EdgeFailure = number | "close" | "close-mid-stream" | "garbage";

export interface FakeEdgeTtsOptions {
  voices?: EdgeVoiceEntry[];
  /** Wait before the first frame of each answer (turn.start), in ms. */
  latencyMs?: EdgeLatency;
  /** 0: all audio at once; 1: audio chunks arrive as fast as they play; 0.2: five times faster. */
  realTimeFactor?: number;
}

interface SpeechConfig {
  outputFormat: string;
  wordBoundaryEnabled: boolean;
}

export class FakeEdgeTts {
  readonly http: FakeHttpServer;
  readonly voices: EdgeVoiceEntry[];
  latencyMs: EdgeLatency;
  realTimeFactor: number;
  /** Every SSML request, in the order they arrived. */
  readonly ssmlRequests: RecordedSsml[] = [];
  /** The speech.config JSON of each connection, in order. */
  readonly configs: unknown[] = [];
  /** WebSocket upgrades asked for: the URL and the status answered (101 when accepted). */
  readonly upgrades: Array<{ url: string; status: number }> = [];
  /** Connections accepted so far. */
  connections = 0;
  /** The most SSML requests being answered at the same time, over the fake's life. */
  maxConcurrent = 0;
  private inFlight = 0;
  private readonly failures: EdgeFailure[] = [];
  private readonly voiceFailures: Array<number | "close"> = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private base = "";

  constructor(options: FakeEdgeTtsOptions = {}) {
    this.voices = options.voices ?? FAKE_EDGE_VOICES;
    this.latencyMs = options.latencyMs ?? 0;
    this.realTimeFactor = options.realTimeFactor ?? 0;
    this.http = new FakeHttpServer((req, _body, res) => this.handleHttp(req, res));
    this.http.server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(req, socket, head));
  }

  /** Listens on a free loopback port; resolves with the base URL. The URLs stay valid after stop(), for "Edge is down" tests. */
  async start(): Promise<string> {
    this.base = await this.http.start();
    return this.base;
  }

  /** Drops every open WebSocket and stops listening: afterwards, connections are refused. */
  stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    return this.http.stop();
  }

  /** What LECTRA_EDGE_TTS_URL is set to. */
  get wssUrl(): string {
    return `${this.base.replace(/^http/, "ws")}${EDGE_SYNTH_PATH}`;
  }

  /** What LECTRA_EDGE_VOICES_URL is set to. */
  get voicesUrl(): string {
    return `${this.base}${EDGE_VOICES_PATH}?trustedclienttoken=${EDGE_TRUSTED_CLIENT_TOKEN}`;
  }

  /** HTTP requests seen (the voice list). */
  get requests() {
    return this.http.requests;
  }

  /**
   * The next `n` failure points get `failure`: an HTTP status or "close" is used by
   * the next upgrades, "close-mid-stream" and "garbage" by the next SSML requests.
   */
  failNext(n: number, failure: EdgeFailure): this {
    for (let i = 0; i < n; i++) this.failures.push(failure);
    return this;
  }

  /** The next `n` voice-list requests get this HTTP status, or a dropped connection. */
  failVoicesNext(n: number, failure: number | "close" = 500): this {
    for (let i = 0; i < n; i++) this.voiceFailures.push(failure);
    return this;
  }

  /** Forgets the failures still queued: the service answers normally again. */
  heal(): this {
    this.failures.length = 0;
    this.voiceFailures.length = 0;
    return this;
  }

  private takeFailure(kind: "upgrade" | "ssml"): EdgeFailure | undefined {
    const next = this.failures[0];
    if (next === undefined) return undefined;
    const isSsmlKind = next === "close-mid-stream" || next === "garbage";
    if (isSsmlKind !== (kind === "ssml")) return undefined;
    return this.failures.shift();
  }

  private handleHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://fake");
    if (req.method !== "GET" || url.pathname !== EDGE_VOICES_PATH) return sendJson(res, 404, { error: "not found" });
    const failure = this.voiceFailures.shift();
    if (failure === "close") return void res.socket?.destroy();
    if (failure !== undefined) return sendJson(res, failure, { error: `fake failure (HTTP ${failure})` });
    if (url.searchParams.get("trustedclienttoken") !== EDGE_TRUSTED_CLIENT_TOKEN) return sendJson(res, 401, { error: "bad token" });
    sendJson(res, 200, this.voices);
  }

  private handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const refuse = (status: number) => {
      this.upgrades.push({ url: req.url ?? "", status });
      socket.end(`HTTP/1.1 ${status} ${status === 403 ? "Forbidden" : "Error"}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    if (url.pathname !== EDGE_SYNTH_PATH) return refuse(404);
    // The real service refuses a missing or wrong token, and a missing Sec-MS-GEC.
    if (url.searchParams.get("TrustedClientToken") !== EDGE_TRUSTED_CLIENT_TOKEN || !url.searchParams.get("Sec-MS-GEC")) return refuse(403);
    const failure = this.takeFailure("upgrade");
    if (typeof failure === "number") return refuse(failure);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.upgrades.push({ url: req.url ?? "", status: 101 });
      this.connections++;
      if (failure === "close") return ws.terminate();
      this.serve(ws, this.connections);
    });
  }

  private serve(ws: WebSocket, connection: number): void {
    let config: SpeechConfig | undefined;
    ws.on("error", () => undefined); // a client that goes away mid-answer is not the fake's problem
    ws.on("message", (data: RawData, isBinary: boolean) => {
      if (isBinary) return;
      const { headers, body } = parseTextMessage(rawText(data));
      if (headers.path === "speech.config") {
        config = parseSpeechConfig(body);
        this.configs.push(safeJson(body));
      } else if (headers.path === "ssml") {
        void this.answer(ws, connection, headers["x-requestid"] ?? "", body, config);
      }
    });
  }

  private async answer(ws: WebSocket, connection: number, requestId: string, ssml: string, config: SpeechConfig | undefined): Promise<void> {
    const request = parseSsml(requestId, ssml, connection);
    this.ssmlRequests.push(request);
    if (request.invalid || !config || config.outputFormat !== EDGE_MP3_FORMAT) {
      // Edge closes the socket on SSML (or a config) it cannot use; the client sees no turn.end.
      ws.close(1007, request.invalid ? "invalid SSML" : "unsupported speech.config");
      return;
    }
    this.inFlight++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.inFlight);
    try {
      const failure = this.takeFailure("ssml");
      const speech = plannedSpeech(request);
      request.words = speech.words;
      request.audioSeconds = speech.samples / EDGE_SAMPLE_RATE;
      const mp3 = await encodeMp3(voicedSignal(speech, request));
      await delay(typeof this.latencyMs === "function" ? this.latencyMs(request) : this.latencyMs);

      const send = (message: string | Buffer) => ws.readyState === ws.OPEN && ws.send(message);
      if (failure === "garbage") return void send("Content-Type:application/json\r\nPath:turn.start\r\n\r\n{}");
      send(textFrame(requestId, "turn.start", { context: { serviceTag: "fake-edge" } }));
      send(textFrame(requestId, "response", { context: { serviceTag: "fake-edge" }, audio: { type: "inline", streamId: requestId } }));
      const chunk = 4096;
      const secondsPerByte = 8 / 48_000;
      let wordIndex = 0;
      for (let at = 0; at < mp3.length; at += chunk) {
        if (failure === "close-mid-stream" && at >= mp3.length / 2) return void ws.terminate();
        // Each word's boundary goes out before the audio it starts in, as Edge sends them.
        const chunkEndTicks = (at + chunk) * secondsPerByte * TICKS_PER_SECOND;
        while (config.wordBoundaryEnabled && wordIndex < speech.words.length && speech.words[wordIndex].offsetTicks < chunkEndTicks) {
          send(textFrame(requestId, "audio.metadata", { Metadata: [wordBoundary(speech.words[wordIndex++])] }));
        }
        const piece = mp3.subarray(at, at + chunk);
        send(audioFrame(requestId, piece));
        if (this.realTimeFactor > 0) await delay(piece.length * secondsPerByte * 1000 * this.realTimeFactor);
      }
      while (config.wordBoundaryEnabled && wordIndex < speech.words.length) {
        send(textFrame(requestId, "audio.metadata", { Metadata: [wordBoundary(speech.words[wordIndex++])] }));
      }
      if (failure === "close-mid-stream") return void ws.terminate();
      send(textFrame(requestId, "turn.end", {}));
    } finally {
      this.inFlight--;
    }
  }
}

const rawText = (data: RawData): string =>
  (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString("utf8");

/** "Name:value" header lines, a blank line, then the body; header names lower-cased. */
export function parseTextMessage(message: string): { headers: Record<string, string>; body: string } {
  const split = message.indexOf("\r\n\r\n");
  const head = split < 0 ? message : message.slice(0, split);
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: split < 0 ? "" : message.slice(split + 4) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parseSpeechConfig(body: string): SpeechConfig {
  const audio = (safeJson(body) as { context?: { synthesis?: { audio?: Record<string, unknown> } } })?.context?.synthesis?.audio ?? {};
  const options = (audio.metadataoptions ?? {}) as Record<string, unknown>;
  return { outputFormat: String(audio.outputFormat ?? "").trim(), wordBoundaryEnabled: String(options.wordBoundaryEnabled) === "true" };
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Resolves XML entities; undefined when the text holds markup or a bare "&" (not plain text). */
function xmlText(raw: string): string | undefined {
  if (raw.includes("<")) return undefined;
  let bad = false;
  const text = raw.replace(/&([^;\s]*);?/g, (whole, name: string) => {
    const numeric = /^#(x[0-9a-f]+|\d+)$/i.exec(name);
    if (numeric && whole.endsWith(";")) return String.fromCodePoint(parseInt(numeric[1].replace(/^x/i, ""), numeric[1][0].toLowerCase() === "x" ? 16 : 10));
    if (name in ENTITIES && whole.endsWith(";")) return ENTITIES[name];
    bad = true;
    return whole;
  });
  return bad ? undefined : text;
}

const attribute = (tag: string, name: string): string => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1] ?? "";

/** Reads the one-voice, one-prosody SSML msedge-tts sends; anything else is recorded as invalid. */
export function parseSsml(requestId: string, ssml: string, connection = 0): RecordedSsml {
  const request: RecordedSsml = { requestId, ssml, voice: "", lang: "", rate: "", pitch: "", volume: "", text: "", words: [], audioSeconds: 0, connection };
  const m = /^\s*(<speak\b[^>]*>)\s*(<voice\b[^>]*>)\s*(<prosody\b[^>]*>)([\s\S]*?)<\/prosody>\s*<\/voice>\s*<\/speak>\s*$/.exec(ssml);
  if (!m) return { ...request, invalid: "not <speak><voice><prosody>text</prosody></voice></speak>" };
  const [, speak, voice, prosody, inner] = m;
  request.lang = attribute(speak, "xml:lang");
  request.voice = attribute(voice, "name");
  request.rate = attribute(prosody, "rate");
  request.pitch = attribute(prosody, "pitch");
  request.volume = attribute(prosody, "volume");
  const text = xmlText(inner);
  if (text === undefined) return { ...request, invalid: "the text holds markup or an unescaped &" };
  request.text = text.trim();
  return request;
}

/** "+12%" → 12; anything else → 0. */
const percent = (value: string) => Number(/^([+-]?\d+(?:\.\d+)?)%$/.exec(value)?.[1] ?? 0);
/** "+2st" → 2, "-1.5st" → -1.5; anything else → 0. */
const semitones = (value: string) => Number(/^([+-]?\d+(?:\.\d+)?)st$/.exec(value)?.[1] ?? 0);

/** Letters and digits make a word; punctuation around it is not spoken. */
export const fakeEdgeWords = (text: string): string[] =>
  text
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""))
    .filter((w) => w.length > 0);

/** How long the fake says a word for at the normal rate: longer words take longer. */
export const fakeWordSeconds = (word: string) => 0.1 + 0.055 * [...word].length;
const LEAD_SECONDS = 0.12;
const GAP_SECONDS = 0.08;
const TAIL_SECONDS = 0.2;

interface PlannedSpeech {
  words: FakeEdgeWord[];
  samples: number;
}

function plannedSpeech(request: RecordedSsml): PlannedSpeech {
  const speed = Math.max(0.25, 1 + percent(request.rate) / 100);
  const toTicks = (seconds: number) => Math.round(seconds * TICKS_PER_SECOND);
  const words: FakeEdgeWord[] = [];
  let at = LEAD_SECONDS;
  for (const text of fakeEdgeWords(request.text)) {
    const seconds = fakeWordSeconds(text) / speed;
    // Ticks on whole samples, so the bursts start exactly where the offsets say.
    const start = Math.round(at * EDGE_SAMPLE_RATE) / EDGE_SAMPLE_RATE;
    const end = Math.round((at + seconds) * EDGE_SAMPLE_RATE) / EDGE_SAMPLE_RATE;
    words.push({ text, offsetTicks: toTicks(start), durationTicks: toTicks(end - start) });
    at = end + GAP_SECONDS / speed;
  }
  const samples = words.length === 0 ? 0 : Math.round((at - GAP_SECONDS / speed + TAIL_SECONDS) * EDGE_SAMPLE_RATE);
  return { words, samples };
}

/** The buzz's value at sample n: eight harmonics of f0. */
const buzz = (f0: number, n: number) => {
  const t = n / EDGE_SAMPLE_RATE;
  let v = 0;
  for (let k = 1; k <= 8; k++) v += Math.sin(2 * Math.PI * k * f0 * t) / k;
  return v;
};

/**
 * A buzz with harmonics at a voice-like pitch, in each word's span, and exact
 * zeros elsewhere. At the normal pitch a period is a whole number of samples
 * (160), so one period is computed and repeated: the bench runs this fake on
 * the machine it measures, and eight sines a sample cost ~30 ms of its CPU for
 * every sentence, work the real Edge does on its own servers.
 */
function voicedSignal(speech: PlannedSpeech, request: RecordedSsml): Buffer {
  const pcm = Buffer.alloc(speech.samples * 2);
  const f0 = 150 * 2 ** (semitones(request.pitch) / 12);
  const period = EDGE_SAMPLE_RATE / f0;
  const onePeriod = Number.isInteger(period) ? Array.from({ length: period }, (_, n) => buzz(f0, n)) : undefined;
  const ramp = Math.round(0.005 * EDGE_SAMPLE_RATE);
  for (const word of speech.words) {
    const start = Math.round((word.offsetTicks / TICKS_PER_SECOND) * EDGE_SAMPLE_RATE);
    const length = Math.round((word.durationTicks / TICKS_PER_SECOND) * EDGE_SAMPLE_RATE);
    for (let i = 0; i < length; i++) {
      const v = onePeriod ? onePeriod[(start + i) % period] : buzz(f0, start + i);
      const envelope = Math.min(1, (i + 1) / ramp, (length - i) / ramp);
      pcm.writeInt16LE(Math.round(v * 0.25 * envelope * 32767 * 0.6), (start + i) * 2);
    }
  }
  return pcm;
}

let ffmpegPath: string | undefined;

function ffmpeg(): string {
  ffmpegPath ??= process.env.LECTRA_FFMPEG_PATH || ensureExecutable((require("@ffmpeg-installer/ffmpeg") as { path: string }).path);
  return ffmpegPath;
}

/** 24 kHz mono s16le → MP3 at 48 kbit/s CBR, without the Xing/LAME header a file would get. */
export function encodeMp3(pcm: Buffer): Promise<Buffer> {
  if (pcm.length === 0) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const args = ["-v", "error", "-f", "s16le", "-ar", String(EDGE_SAMPLE_RATE), "-ac", "1", "-i", "pipe:0"];
    // LAME's fastest algorithm (-q 9): half the CPU of its default (0.03 s against 0.06 s
    // for a 5 s sentence) on the machine the bench measures; see voicedSignal.
    args.push("-c:a", "libmp3lame", "-compression_level", "9", "-b:a", "48k", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", "pipe:1");
    const child = spawn(ffmpeg(), args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg exited with ${code}: ${err.trim()}`))));
    child.stdin.on("error", () => undefined); // reported through the exit code
    child.stdin.end(pcm);
  });
}

function textFrame(requestId: string, path: string, body: unknown): string {
  return `X-RequestId:${requestId}\r\nContent-Type:application/json; charset=utf-8\r\nPath:${path}\r\n\r\n${JSON.stringify(body)}`;
}

function audioFrame(requestId: string, mp3: Buffer): Buffer {
  const headers = Buffer.from(`X-RequestId:${requestId}\r\nContent-Type:audio/mpeg\r\nPath:audio\r\n`, "utf8");
  const length = Buffer.alloc(2);
  length.writeUInt16BE(headers.length);
  return Buffer.concat([length, headers, mp3]);
}

function wordBoundary(word: FakeEdgeWord) {
  return {
    Type: "WordBoundary",
    Data: { Offset: word.offsetTicks, Duration: word.durationTicks, text: { Text: word.text, Length: word.text.length, BoundaryType: "WordBoundary" } },
  };
}
