// The speech service: narration segments → one clip of audio with measured timings.
import { telemetry } from "./tracing";
import * as os from "node:os";
import { SpeechServiceService } from "@lectra/proto";
import { ConfigError, createLogger, envInt, envString, runService, serviceAddress } from "@lectra/service-kit";
import { createEspeakEngine } from "./engines/espeak";
import { speechHandlers } from "./handlers";
import { findVoice } from "./voices";

const log = createLogger("speech");

async function main() {
  const workers = envInt("LECTRA_SPEECH_WORKERS", os.availableParallelism(), { min: 1, max: 256 });
  const engine = await createEspeakEngine({ workers });
  const wanted = envString("LECTRA_VOICE", engine.defaultVoice.name);
  const defaultVoice = findVoice(engine.voices, wanted);
  if (!defaultVoice) {
    await engine.close();
    throw new ConfigError(`LECTRA_VOICE="${wanted}" is not a voice of the ${engine.name} engine; set it to one that ListVoices lists, e.g. "${engine.defaultVoice.name}"`);
  }
  log.info("voices ready", { engine: engine.name, voices: engine.voices.length, defaultVoice: defaultVoice.name, workers });

  await runService({
    name: "speech",
    address: serviceAddress("speech"),
    telemetry,
    log,
    services: [
      { name: "lectra.v1.SpeechService", definition: SpeechServiceService, implementation: speechHandlers({ engine, defaultVoice }, log) },
    ],
    afterStop: () => engine.close(),
  });
}

main().catch((error) => {
  log.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
