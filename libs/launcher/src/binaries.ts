// Programs shipped inside npm packages (ffmpeg, ffprobe) come with a postinstall
// `chmod +x` that we never run, since install scripts are off (.npmrc). Whoever
// runs such a binary makes sure of the execute bit first.
import * as fs from "node:fs";

/** Adds the execute bits to `file` if it lacks them; throws with the reason if that fails. */
export function ensureExecutable(file: string): string {
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    const { mode } = fs.statSync(file);
    fs.chmodSync(file, mode | 0o111);
  }
  return file;
}
