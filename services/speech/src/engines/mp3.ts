// MP3 facts the Edge engine needs to line word timings up with decoded audio.
//
// An MP3 stream starts late: the encoder puts its delay in front of the audio
// (576 samples for LAME and encoders built the same way) and the decoder adds
// its own (529 samples of the synthesis filterbank). A file with a Xing/Info
// header carrying the LAME extension says how long the delay is, and
// mpg123-decoder (gapless mode, its default) then cuts it off exactly.
// Edge streams plain CBR frames with no such header (counting bytes at
// 48 kbit/s gives its duration exactly), so the delay stays in front of the
// decoded speech and word times must be moved by it. Measured with libmp3lame
// and mpg123-decoder: a tone that starts at sample 12000 is decoded at 12001
// with the header and at 13106 without, i.e. 1105 = 576 + 529 samples later.
// Microsoft does not publish its encoder's delay; if it differs from LAME's,
// words are off by that difference (tens of ms at most), which captions do not show.

/** Samples between the start of the encoded audio and where a headerless stream decodes it. */
export const MP3_STREAM_DELAY_SAMPLES = 576 + 529;

/** Skips an ID3v2 tag, if there is one; returns where the first MPEG frame may start. */
function afterId3(mp3: Uint8Array): number {
  if (mp3.length < 10 || mp3[0] !== 0x49 || mp3[1] !== 0x44 || mp3[2] !== 0x33) return 0; // "ID3"
  const size = ((mp3[6] & 0x7f) << 21) | ((mp3[7] & 0x7f) << 14) | ((mp3[8] & 0x7f) << 7) | (mp3[9] & 0x7f);
  const footer = (mp3[5] & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

/**
 * Whether the first frame is a Xing/Info header, the one that carries the delay
 * and padding a gapless decoder trims. It sits in the first frame's data, 13 to
 * 36 bytes after the frame's sync word (by MPEG version and channel mode).
 */
export function hasGaplessHeader(mp3: Uint8Array): boolean {
  let at = afterId3(mp3);
  while (at + 1 < mp3.length && !(mp3[at] === 0xff && (mp3[at + 1] & 0xe0) === 0xe0)) at++;
  const head = Buffer.from(mp3.subarray(at, at + 48)).toString("latin1");
  return head.includes("Xing") || head.includes("Info");
}

/** Decoded float samples (−1…1) as signed 16-bit. */
export function toInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    out[i] = Math.round(s < 0 ? s * 32768 : s * 32767);
  }
  return out;
}
