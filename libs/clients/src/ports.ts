// Whether a port is listened on, read from the kernel's socket table, never
// by dialling it.
//
// Dialling a loopback port nothing listens on yet is not harmless: LECTRA's
// default ports (50051-50056) lie in Linux's ephemeral range (32768-60999),
// so the kernel may give the dialling socket that very port as its source
// port, and it connects to itself (TCP simultaneous open). A gRPC client
// drops such a connection within milliseconds, but the port then sits in
// TIME_WAIT for 60 s, and since the client did not set SO_REUSEADDR no
// server can bind it meanwhile. A health poll that starts before its service
// listens does this about once in 5,000 tries. So:
// - the launcher, and the container health check, first watch the socket
//   table until the port is listened on, and only then dial it: once a
//   listener holds a port, no connect is given it as a source port;
// - a service whose port is held by something that is not a listener (such a
//   socket, or its TIME_WAIT) waits for it (service-kit's server.ts);
// - tests pick free ports below the ephemeral range (the launcher's freePort),
//   where no dialling socket is ever given one.
import * as fs from "node:fs";

const TCP_LISTEN = "0A";
const TABLES = ["/proc/net/tcp", "/proc/net/tcp6"];

/** The port of a `host:port` address, or undefined (a gRPC target such as dns:///x names no single port here). */
export function portOf(address: string): number | undefined {
  const m = /^(?:\[[0-9a-fA-F:.]+\]|[^\s/:,[\]]+):(\d{1,5})$/.exec(address);
  return m ? Number(m[1]) : undefined;
}

/**
 * Whether some socket on this machine (this network namespace) listens on
 * TCP `port`, from Linux's /proc/net/tcp and tcp6; undefined where those
 * cannot be read (not Linux), so that the caller falls back to dialling.
 */
export function isListening(port: number): boolean | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  let readAny = false;
  for (const table of TABLES) {
    let text: string;
    try {
      text = fs.readFileSync(table, "utf8");
    } catch {
      continue;
    }
    readAny = true;
    // "  sl  local_address rem_address   st ...": 0100007F:C383 00000000:0000 0A
    for (const line of text.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === TCP_LISTEN && local?.endsWith(`:${hexPort}`)) return true;
    }
  }
  return readAny ? false : undefined;
}

/** Linux's ephemeral port range, where connect() takes source ports; the default where it cannot be read. */
export function ephemeralPorts(): { low: number; high: number } {
  try {
    const [low, high] = fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return { low, high };
  } catch {
    // Not Linux: its default range is as good a guess as any.
  }
  return { low: 32768, high: 60999 };
}

/**
 * Resolves once something listens on `address`'s port, polling the socket
 * table (never connecting); at once where the table cannot be read or the
 * address names no port. Throws after `timeoutMs`, or when `signal` aborts.
 */
export async function waitUntilListening(address: string, { timeoutMs = 30_000, signal }: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
  const port = portOf(address);
  if (port === undefined || port === 0) return;
  const until = Date.now() + timeoutMs;
  for (let delayMs = 10; ; delayMs = Math.min(delayMs * 2, 100)) {
    signal?.throwIfAborted();
    const listening = isListening(port);
    if (listening !== false) return;
    if (Date.now() >= until) throw new Error(`nothing listens on ${address} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, delayMs));
  }
}
