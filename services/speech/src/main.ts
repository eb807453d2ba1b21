// The speech service: narration segments → one clip of audio with measured timings.
import { telemetry } from "./tracing";
import { SpeechServiceService } from "@lectra/proto";
import { ConfigError, createLogger, envInt, envString, ResultCache, runService, listenAddress } from "@lectra/service-kit";
import { EdgeEngine } from "./engines/edge";
import { EDGE_DEFAULT_VOICES_URL, EDGE_DEFAULT_WSS_URL } from "./engines/edge-connection";
import type { SpeechEngine } from "./engines/engine";
import { createEspeakEngine, defaultEspeakWorkers } from "./engines/espeak";
import { speechHandlers } from "./handlers";
import { ENGINE_MODES, Narrator, type EngineMode } from "./narrator";

const log = createLogger("speech");

function engineMode(): EngineMode {
  const mode = envString("LECTRA_TTS_ENGINE", "auto").toLowerCase();
  if (!(ENGINE_MODES as readonly string[]).includes(mode)) {
    throw new ConfigError(`LECTRA_TTS_ENGINE="${mode}": expected ${ENGINE_MODES.join(", ")}`);
  }
  return mode as EngineMode;
}

function urlSetting(name: string, fallback: string, protocols: string[]): string {
  const value = envString(name, fallback);
  let protocol = "";
  try {
    protocol = new URL(value).protocol;
  } catch {
    // reported below
  }
  if (!protocols.includes(protocol)) throw new ConfigError(`${name}="${value}": expected a ${protocols.map((p) => `${p}//`).join(" or ")} URL`);
  return value;
}

async function main() {
  const mode = engineMode();
  const workers = envInt("LECTRA_SPEECH_WORKERS", defaultEspeakWorkers(), { min: 1, max: 256 });
  const edge =
    mode === "espeak"
      ? undefined
      : new EdgeEngine({
          wssUrl: urlSetting("LECTRA_EDGE_TTS_URL", EDGE_DEFAULT_WSS_URL, ["wss:", "ws:"]),
          voicesUrl: urlSetting("LECTRA_EDGE_VOICES_URL", EDGE_DEFAULT_VOICES_URL, ["https:", "http:"]),
          concurrency: envInt("LECTRA_TTS_CONCURRENCY", 4, { min: 1, max: 64 }),
          timeoutMs: envInt("LECTRA_EDGE_TIMEOUT_MS", 20_000, { min: 100 }),
          decodeWorkers: Math.min(workers, 2),
          log,
        });
  const espeak = mode === "edge" ? undefined : await createEspeakEngine({ workers });
  const engines = [espeak, edge].filter((e): e is NonNullable<typeof e> => e !== undefined) as SpeechEngine[];
  const closeEngines = () => Promise.all(engines.map((e) => e.close())).then(() => undefined);

  const narrator = new Narrator({ mode, espeak, edge, configuredVoice: envString("LECTRA_VOICE", ""), log });
  const problem = narrator.configuredVoiceProblem();
  if (problem) {
    await closeEngines();
    throw new ConfigError(problem);
  }
  // In the background: start-up never waits for the network, and offline this fails in ms.
  void edge?.refreshVoices();
  log.info("voices ready", { mode, espeakVoices: espeak?.voices.length, edge: edge ? "fetching its voice list" : "off", workers });

  await runService({
    name: "speech",
    address: listenAddress("speech"),
    telemetry,
    log,
    services: [{ name: "lectra.v1.SpeechService", definition: SpeechServiceService, implementation: speechHandlers(narrator, log, ResultCache.fromEnv("speech", log)) }],
    afterStop: closeEngines,
  });
}

main().catch((error) => {
  log.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
