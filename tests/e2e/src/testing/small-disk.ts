// A small disk for a service under test, where the test cannot mount a real one
// (a tmpfs needs root): loaded with `node --require` into the service's process
// (never into a deployment), it makes LECTRA_TEST_DISK_DIR a disk of
// LECTRA_TEST_DISK_BYTES bytes. A write through a node:fs/promises file handle
// (how the orchestrator's job store writes) that would take the files under
// that folder past that size fails with ENOSPC, as on a full disk; removing
// files frees room again. faults-disk.test.ts uses it only when it cannot mount.
import * as fs from "node:fs";
import * as path from "node:path";

const root = process.env.LECTRA_TEST_DISK_DIR;
const size = Number(process.env.LECTRA_TEST_DISK_BYTES);

/** The bytes the files under `dir` take, as a disk would count them (whole sizes, no blocks). */
function used(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    try {
      total += entry.isDirectory() ? used(file) : fs.statSync(file).size;
    } catch {
      // removed while counted
    }
  }
  return total;
}

function noSpace(file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: "ENOSPC", errno: -28, syscall: "write", path: file });
}

if (root && size > 0) {
  const promises = fs.promises as unknown as Record<string, unknown>;
  const open = fs.promises.open;
  promises.open = async (file: fs.PathLike, flags?: string | number, mode?: fs.Mode) => {
    const handle = await open(file, flags, mode);
    if (!path.resolve(String(file)).startsWith(path.resolve(root) + path.sep)) return handle;
    const room = (bytes: number) => {
      if (used(root) + bytes > size) throw noSpace(String(file));
    };
    const { write, writeFile } = handle;
    const h = handle as unknown as Record<string, unknown>;
    h.write = async (data: Uint8Array | string, offset?: number, length?: number, ...rest: unknown[]) => {
      room(typeof data === "string" ? Buffer.byteLength(data) : (length ?? data.length - (offset ?? 0)));
      return (write as (...a: unknown[]) => unknown).call(handle, data, offset, length, ...rest);
    };
    h.writeFile = async (data: Uint8Array | string, ...rest: unknown[]) => {
      room(typeof data === "string" ? Buffer.byteLength(data) : data.length);
      return (writeFile as (...a: unknown[]) => unknown).call(handle, data, ...rest);
    };
    return handle;
  };
}
