// Mono 16-bit PCM and its WAV container. Speech clips travel as raw PCM with a
// sample rate; durations are sample counts divided by the rate, so they are exact.

export const BYTES_PER_SAMPLE = 2;

export function pcmSeconds(pcm: Uint8Array, sampleRate: number): number {
  return pcm.length / BYTES_PER_SAMPLE / sampleRate;
}

export function silence(seconds: number, sampleRate: number): Buffer {
  return Buffer.alloc(Math.round(seconds * sampleRate) * BYTES_PER_SAMPLE);
}

export function encodeWav(pcm: Uint8Array, sampleRate: number): Buffer {
  return Buffer.concat([wavHeader(pcm.length, sampleRate), pcm]);
}

/** The 44 bytes before `pcmBytes` of mono 16-bit PCM in a WAV file: a writer can send it and the samples apart, without a copy of them. */
export function wavHeader(pcmBytes: number, sampleRate: number): Buffer {
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + pcmBytes, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * BYTES_PER_SAMPLE, 28);
  header.writeUInt16LE(BYTES_PER_SAMPLE, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(pcmBytes, 40);
  return header;
}

export interface DecodedWav {
  pcm: Buffer;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
}

/** Reads a PCM WAV, walking its chunks (writers put LIST and fact chunks before data). */
export function decodeWav(wav: Uint8Array): DecodedWav {
  const buf = Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength);
  if (buf.length < 12 || buf.toString("ascii", 0, 4) !== "RIFF" || buf.toString("ascii", 8, 12) !== "WAVE") {
    throw new Error("not a WAV file");
  }
  let offset = 12;
  let format: Omit<DecodedWav, "pcm"> | undefined;
  while (offset + 8 <= buf.length) {
    const id = buf.toString("ascii", offset, offset + 4);
    let size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "fmt ") {
      if (buf.readUInt16LE(body) !== 1) throw new Error("WAV is not PCM");
      format = { channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bitsPerSample: buf.readUInt16LE(body + 14) };
    } else if (id === "data") {
      if (!format) throw new Error("WAV data before its format");
      // Streaming writers leave the size as 0 or 0xFFFFFFFF: take the rest of the file.
      if (size === 0 || body + size > buf.length) size = buf.length - body;
      return { ...format, pcm: Buffer.from(buf.subarray(body, body + size)) };
    }
    offset = body + size + (size % 2);
  }
  throw new Error("WAV has no data chunk");
}

/** Linear-interpolation resampling of mono 16-bit PCM; good enough for speech. */
export function resample(pcm: Uint8Array, from: number, to: number): Buffer {
  if (from === to) return Buffer.from(pcm);
  const input = new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength));
  const length = Math.round((input.length * to) / from);
  const output = new Int16Array(length);
  const step = from / to;
  for (let i = 0; i < length; i++) {
    const x = i * step;
    const j = Math.floor(x);
    const a = input[Math.min(j, input.length - 1)] ?? 0;
    const b = input[Math.min(j + 1, input.length - 1)] ?? 0;
    output[i] = Math.round(a + (b - a) * (x - j));
  }
  return Buffer.from(output.buffer);
}
