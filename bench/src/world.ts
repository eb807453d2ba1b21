// The world a benchmark runs in: LECTRA's six services as separate processes,
// and fake outside servers (Ollama, Commons, Edge) that answer with the
// replayed latencies (latencies.ts), through the real engines' protocols.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FakeCommons, FakeEdgeTts, FakeOllama, type ChatMessageLike, type FakePicture } from "@lectra/fakes";
import { startLectra, type Lectra } from "@lectra/testing";
import { originalAnswerTokens, type Replay } from "./latencies";

/**
 * One latency a fake server replayed: what the original would have waited for
 * on that call. Model answers by kind (outline, slide, tags; the whole answer,
 * streamed or not), picture searches ("search"; file downloads replay none).
 */
export interface ReplayedLatency {
  service: "model" | "pictures";
  kind: string;
  ms: number;
}

export interface World {
  lectra: Lectra;
  /** Every latency the fakes drew, in order (clear it to measure one job). */
  replayed: ReplayedLatency[];
  ollama: FakeOllama;
  commons: FakeCommons;
  edge: FakeEdgeTts;
  dataDir: string;
  stop(): Promise<void>;
}

/** Pictures for the words the benchmark lectures ask for, as a picture API would have them. */
function pictures(words: string[]): FakePicture[] {
  return words.map((word, i) => ({
    name: `${word} illustration ${i}.jpg`,
    kind: "jpeg",
    width: 1600,
    height: 1067,
    author: "Bench Photographer",
    license: "by",
    licenseVersion: "4.0",
    tags: [word],
  }));
}

export const PICTURE_WORDS = ["immune", "vaccine", "vaccines", "cells", "antibodies", "memory", "system", "heart", "lungs", "blood", "rhythm", "plants", "light", "water", "slide", "lecture"];

/** Starts the fakes with the replayed latencies and LECTRA pointed at them: real engines, fake network. */
export async function replayWorld(replay: Replay, env: NodeJS.ProcessEnv = {}): Promise<World> {
  const replayed: ReplayedLatency[] = [];
  const modelLatency = (kind: "outline" | "slide" | "tags" | undefined, messages: readonly ChatMessageLike[]) => {
    const ms = replay.model(kind, messages.map((m) => m.content).join("\n"));
    if (kind) replayed.push({ service: "model", kind, ms });
    return ms;
  };
  // A streamed answer's tokens come at replay.tokensPerSecond, the last of those the
  // original's answer had at the replayed latency (originalAnswerTokens), any more after it.
  const ollama = new FakeOllama({ models: ["llama3.1:8b"], latencyMs: modelLatency, tokensPerSecond: replay.tokensPerSecond, latencyCovers: originalAnswerTokens });
  const commons = new FakeCommons({
    pictures: pictures(PICTURE_WORDS),
    latency: (request) => {
      const ms = replay.picture(request.kind, request.path);
      if (request.kind === "search") replayed.push({ service: "pictures", kind: "search", ms });
      return ms;
    },
  });
  const edge = new FakeEdgeTts({ latencyMs: replay.voiceFirstByteMs, realTimeFactor: replay.voiceRealTimeFactor });
  const [ollamaUrl] = await Promise.all([ollama.start(), commons.start(), edge.start()]);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-bench-"));
  const lectra = await startLectra({
    LECTRA_DATA_DIR: dataDir,
    LECTRA_CACHE_MAX_MB: "1024",
    LECTRA_LLM_PROVIDER: "ollama",
    OLLAMA_HOST: ollamaUrl,
    LECTRA_LLM_TAGGER: "model",
    LECTRA_TTS_ENGINE: "edge",
    LECTRA_EDGE_TTS_URL: edge.wssUrl,
    LECTRA_EDGE_VOICES_URL: edge.voicesUrl,
    LECTRA_IMAGES_ENGINES: "wikimedia,icons",
    LECTRA_COMMONS_API_URL: commons.apiUrl,
    LECTRA_IMAGES_ALLOW_LOOPBACK: "1",
    // The replayed latencies were measured with a stage's slides side by side;
    // queueing here would charge LECTRA for a limit the replay does not have
    // (the limits scenario checks 4).
    LECTRA_LLM_CONCURRENCY: "10",
    LECTRA_TTS_CONCURRENCY: "10",
    LECTRA_IMAGES_CONCURRENCY: "10",
    ...env,
  });
  return {
    lectra,
    replayed,
    ollama,
    commons,
    edge,
    dataDir,
    stop: async () => {
      await lectra.stop();
      await Promise.all([ollama.stop(), commons.stop(), edge.stop()]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Offline engines only: scripts, espeak-ng, icons (the load test). */
export async function offlineWorld(env: NodeJS.ProcessEnv = {}): Promise<{ lectra: Lectra; dataDir: string; stop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-bench-"));
  const lectra = await startLectra({
    LECTRA_DATA_DIR: dataDir,
    LECTRA_CACHE_MAX_MB: "0",
    LECTRA_LLM_PROVIDER: "none",
    LECTRA_TTS_ENGINE: "espeak",
    LECTRA_IMAGES_ENGINES: "icons",
    ...env,
  });
  return {
    lectra,
    dataDir,
    stop: async () => {
      await lectra.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
