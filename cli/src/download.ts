// Downloads a job's artifacts into a folder, checking each against its sha256.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { LectraClient } from "@lectra/clients";

export async function downloadArtifact(client: LectraClient, jobId: string, name: string, dir: string): Promise<{ file: string; bytes: number }> {
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
