// Watching a lecture while it is made: an HLS playlist (lecture.m3u8) of the
// slides' clips, rewritten each time the run of finished slides from the first
// grows. The clips are already HLS segments (MPEG-TS, H.264 + AAC, each
// starting at timestamp 0), so each is saved as it is, beside the playlist.
//
// The playlist is an EVENT playlist: segments are only ever added, and
// #EXT-X-ENDLIST closes it once every slide is in. A slide finished before an
// earlier one waits for it: a player plays a playlist in order, so only the
// contiguous prefix of finished slides is listed. A job that stops before its
// end (it fails, is cancelled or interrupted) closes the playlist as it is, so
// a player plays what was made and stops waiting for more; resumed, the job
// writes it anew and it grows again.
//
// #EXT-X-TARGETDURATION must be at least every segment's duration rounded to
// the nearest second, and RFC 8216 (6.2.1) says it must not change. A slide's
// length is known only once its speech is made, and the first slide plays long
// before the last is spoken, so no value known in time is both right and
// useful: the longest slide the limits allow is close to an hour, and players
// pace their reloads (and hls.js its live edge) by the target. The target is
// therefore the longest segment listed so far, rounded up, and grows with a
// longer slide — as ffmpeg's own HLS muxer does for EVENT playlists. ffmpeg's
// hls demuxer (ffplay, mpv) and hls.js read it again at every reload.
import { artifactFile, type ArtifactRef } from "../artifacts";
import type { LectureJob } from "./env";

const PLAYLIST: ArtifactRef = "playlist";
const segmentOf = (slide: number): ArtifactRef => ({ kind: "segment", slide });

/** One listed slide: its segment's file name and how long it plays. */
export interface Segment {
  uri: string;
  seconds: number;
}

/**
 * The playlist's text for these segments, in order; `complete` when every
 * slide is in. Each clip's timestamps start at 0, so every segment after the
 * first follows a discontinuity.
 */
export function hlsPlaylist(segments: readonly Segment[], complete: boolean): string {
  const target = Math.max(1, ...segments.map((s) => Math.ceil(s.seconds)));
  const lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-PLAYLIST-TYPE:EVENT", `#EXT-X-TARGETDURATION:${target}`, "#EXT-X-MEDIA-SEQUENCE:0"];
  segments.forEach((s, i) => {
    if (i > 0) lines.push("#EXT-X-DISCONTINUITY");
    // Decimal durations (version 3), to the microsecond: the clip's own length, not a rounded one.
    lines.push(`#EXTINF:${s.seconds.toFixed(6)},`, s.uri);
  });
  if (complete) lines.push("#EXT-X-ENDLIST");
  return lines.join("\n") + "\n";
}

/**
 * One job's playlist as its slides' clips finish. Each finished clip is saved
 * as its segment first; the playlist that names it is written after, through
 * the job's atomic artifact writes, so a player never reads a playlist naming
 * a segment that is not there, nor a half-written playlist. Rewrites are queued
 * so that they land, and `playable` is announced, in the order the prefix grew.
 */
export class LivePlaylist {
  private readonly seconds: Array<number | undefined>;
  private listed = 0;
  private closed = false;
  private writes = Promise.resolve();

  constructor(
    private readonly job: LectureJob,
    private readonly slideCount: number,
  ) {
    this.seconds = new Array<number | undefined>(slideCount).fill(undefined);
    job.whenStopped(() => this.close());
  }

  /** A slide's clip is made: saves it as its segment, then lists every slide now playable in order. */
  async add(slide: number, clip: Uint8Array, seconds: number): Promise<void> {
    await this.job.saveArtifact(segmentOf(slide), clip);
    this.seconds[slide] = seconds;
    this.writes = this.writes.then(() => this.publish());
    return this.writes;
  }

  private async publish(): Promise<void> {
    if (this.closed) return;
    let prefix = this.listed;
    while (prefix < this.slideCount && this.seconds[prefix] !== undefined) prefix++;
    if (prefix === this.listed) return;
    const segments = await this.write(prefix, prefix === this.slideCount);
    this.listed = prefix;
    const playing = segments.reduce((sum, s) => sum + s.seconds, 0);
    this.job.playable({ playlist: artifactFile(PLAYLIST).name, slides: prefix, seconds: playing });
  }

  /** The playlist of the first `slides` slides, saved. */
  private async write(slides: number, complete: boolean): Promise<Segment[]> {
    const segments = this.seconds.slice(0, slides).map((seconds, i) => ({ uri: artifactFile(segmentOf(i)).name, seconds: seconds! }));
    await this.job.saveArtifact(PLAYLIST, Buffer.from(hlsPlaylist(segments, complete)));
    return segments;
  }

  /** The job stopped: what is listed stays, closed. Nothing is written when nothing was listed, or all was. */
  private close(): Promise<void> {
    // After the writes queued before it, whether or not they could be saved.
    this.writes = this.writes
      .catch(() => undefined)
      .then(async () => {
        if (this.closed) return;
        this.closed = true;
        if (this.listed > 0 && this.listed < this.slideCount) await this.write(this.listed, true);
      });
    return this.writes;
  }
}
