// Downloads a job's artifacts into a folder, checking each against its sha256;
// a file appears under its name only when it is whole.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { LectraClient } from "@lectra/clients";

/** `beforeRename` gets the whole, checked download before it takes its name (a playlist waits there for its segments). */
export async function downloadArtifact(
  client: LectraClient,
  jobId: string,
  name: string,
  dir: string,
  beforeRename?: (partial: string) => Promise<void>,
): Promise<{ file: string; bytes: number }> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, path.basename(name));
  const partial = `${file}.partial`;
  const out = fs.createWriteStream(partial);
  const hash = createHash("sha256");
  let expected = "";
  let bytes = 0;
  try {
    for await (const part of client.downloadArtifact({ jobId, name })) {
      if (part.artifact) expected = part.artifact.sha256;
      hash.update(part.chunk);
      bytes += part.chunk.length;
      if (!out.write(part.chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    const actual = hash.digest("hex");
    if (expected && expected !== actual) throw new Error(`${name}: checksum mismatch (expected ${expected}, got ${actual})`);
    await beforeRename?.(partial);
    fs.renameSync(partial, file);
    return { file, bytes };
  } catch (error) {
    out.destroy();
    fs.rmSync(partial, { force: true });
    throw error;
  }
}

export const humanBytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;

/**
 * A job's artifacts, downloaded into `dir` as they are announced. An artifact
 * announced again (the playlist, rewritten as slides become playable) is
 * downloaded again after the download under way; a playlist is put in place
 * only once the segments it names are, so a player reading the folder never
 * finds a playlist naming a file that is not there.
 */
export class JobDownloads {
  private readonly latest = new Map<string, Promise<void>>();
  private readonly all: Array<{ name: string; done: Promise<void> }> = [];

  constructor(
    private readonly client: LectraClient,
    private readonly jobId: string,
    private readonly dir: string,
  ) {}

  /** Downloads `name` as it is now, after any download of it still under way. */
  fetch(name: string): Promise<void> {
    const before = this.latest.get(name) ?? Promise.resolve();
    const whenComplete = isPlaylist(name) ? (partial: string) => this.segmentsOf(partial) : undefined;
    const done = before.catch(() => undefined).then(async () => {
      await downloadArtifact(this.client, this.jobId, name, this.dir, whenComplete);
    });
    this.latest.set(name, done);
    this.all.push({ name, done });
    return done;
  }

  /** The download of `name` announced last; undefined if none was. */
  current(name: string): Promise<void> | undefined {
    return this.latest.get(name);
  }

  /**
   * Waits for every download; throws the first failure of one that was not
   * superseded (a playlist read just as it was rewritten can fail its
   * checksum, and the rewrite's own announcement downloads it again).
   */
  async settled(): Promise<void> {
    const results = await Promise.allSettled(this.all.map((d) => d.done));
    const failed = results.findIndex((r, i) => r.status === "rejected" && this.latest.get(this.all[i].name) === this.all[i].done);
    if (failed >= 0) throw (results[failed] as PromiseRejectedResult).reason;
  }

  private async segmentsOf(playlist: string): Promise<void> {
    const uris = fs.readFileSync(playlist, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    await Promise.all(uris.map((uri) => this.latest.get(uri) ?? this.fetch(uri)));
  }
}

const isPlaylist = (name: string) => name.endsWith(".m3u8");
