// Runs inside a piscina worker thread: decodes the MP3 Edge sent into the PCM
// every clip leaves the service as. Decoding costs about 1 ms per second of
// audio on 2 cores, so a long segment would otherwise hold the event loop that
// answers health checks.
import { resample } from "@lectra/lecture";
import { speechBounds } from "../clip";
import { OUTPUT_SAMPLE_RATE } from "./engine";
import { hasGaplessHeader, MP3_STREAM_DELAY_SAMPLES, toInt16 } from "./mp3";

export interface DecodeTask {
  mp3: Uint8Array;
  /** Samples no louder than this, before and after the speech, are cut off as silence. */
  silenceLevel: number;
}

export interface DecodedSpeech {
  /** Mono s16le at OUTPUT_SAMPLE_RATE, silence trimmed. */
  pcm: Uint8Array;
  /** Add to a time in Edge's audio to get the time in this clip. */
  shiftSeconds: number;
}

// ESM-only package, loaded once per worker; TypeScript keeps this a real dynamic import.
const mpg123 = import("mpg123-decoder");
mpg123.catch(() => undefined); // reported by the first task that awaits it

export async function decode(task: DecodeTask): Promise<DecodedSpeech> {
  if (task.mp3.length === 0) return { pcm: new Uint8Array(0), shiftSeconds: 0 };
  const { MPEGDecoder } = await mpg123;
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    const { channelData, samplesDecoded, sampleRate, errors } = decoder.decode(task.mp3);
    if (samplesDecoded === 0) {
      throw new Error(`the MP3 from Edge did not decode (${task.mp3.length} bytes${errors.length ? `: ${errors[0].message}` : ""})`);
    }
    const samples = toInt16(channelData[0].subarray(0, samplesDecoded));
    const { start, end } = speechBounds(samples, task.silenceLevel);
    const delay = hasGaplessHeader(task.mp3) ? 0 : MP3_STREAM_DELAY_SAMPLES;
    const speech = samples.subarray(start, end);
    const pcm = resample(new Uint8Array(speech.buffer, speech.byteOffset, speech.byteLength), sampleRate, OUTPUT_SAMPLE_RATE);
    return { pcm, shiftSeconds: (delay - start) / sampleRate };
  } finally {
    decoder.free();
  }
}
