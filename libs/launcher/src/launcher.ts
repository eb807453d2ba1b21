// Starts a LECTRA service as its own process and waits until its health check
// says SERVING. Used by `lectra up`/`lectra demo` and by the process-level tests,
// so both run the services exactly the way a deployment does.
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as readline from "node:readline";
import { addressEnv, ephemeralPorts, waitUntilListening, waitUntilServing, type ServiceName } from "@lectra/clients";

export interface LaunchedService {
  name: ServiceName;
  address: string;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Sends `signal` (SIGTERM by default) and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface LaunchOptions {
  /** The service's compiled entry point, e.g. require.resolve("@lectra/llm"). */
  entry: string;
  address: string;
  env?: NodeJS.ProcessEnv;
  /** Each line the service writes to stdout or stderr. */
  onLine?: (line: string) => void;
  timeoutMs?: number;
  /**
   * Aborting it while the service starts stops the service (SIGTERM, SIGKILL
   * 5 s later) and fails the launch: a caller that gives up, such as `lectra
   * up` stopping, leaves nothing behind. Once the service serves it is ignored.
   */
  signal?: AbortSignal;
}

/**
 * A port nothing listens on, below the ephemeral range where it can be:
 * between now and the service's bind, a port the kernel picks for a listen on
 * 0 may be given to any dialling socket as its source port (a health poll's or
 * a reconnecting client's, which then connects to itself and leaves the port
 * in TIME_WAIT for a minute; @lectra/clients' ports.ts). Below the range no
 * dialling socket is given one.
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const { low } = ephemeralPorts();
  const floor = Math.max(10_000, low - 12_000);
  for (let tries = 0; tries < 50 && low - floor >= 1000; tries++) {
    const port = floor + Math.floor(Math.random() * (low - floor));
    if (await listenable(port, host)) return port;
  }
  return listenOnZero(host);
}

function listenable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

function listenOnZero(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when host:port can be listened on; rejects with a readable reason otherwise. */
export function checkPortFree(address: string): Promise<void> {
  const match = /^(.*):(\d+)$/.exec(address);
  if (!match) return Promise.reject(new Error(`"${address}" is not host:port`));
  const [, host, port] = match;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "EADDRINUSE" ? `${address} is already in use` : `cannot listen on ${address}: ${e.message}`)),
    );
    server.listen(Number(port), host.replace(/^\[|\]$/g, ""), () => server.close(() => resolve()));
  });
}

/**
 * V8 flags every service runs with; deploy/Dockerfile's CMD names the same.
 * A 2 MiB young generation (V8 lets it grow to 16 MiB per semi-space): the
 * services' garbage is short-lived buffers, so a big nursery only holds memory.
 * Under the bench's load it took 25–60 MiB off each service's peak (speech
 * 326–329 → 273–274 MiB); jobs per minute stayed within the machine's noise
 * (20.0–20.4 without, 17.3–20.0 with, two pairs).
 */
export const NODE_FLAGS = ["--max-semi-space-size=2"];

export async function launchService(name: ServiceName, options: LaunchOptions): Promise<LaunchedService> {
  options.signal?.throwIfAborted();
  const child = spawn(process.execPath, [...NODE_FLAGS, options.entry], {
    env: { ...process.env, ...options.env, [addressEnv(name)]: options.address },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    readline.createInterface({ input: stream }).on("line", (line) => options.onLine?.(line));
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // A service that exits while starting stops the health polling at once.
  const gone = new AbortController();
  void exited.then(() => gone.abort());
  const abandon = () => {
    child.kill("SIGTERM");
    setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"), 5_000).unref();
  };
  options.signal?.addEventListener("abort", abandon, { once: true });
  void exited.then(() => options.signal?.removeEventListener("abort", abandon));
  try {
    // Dialled only once the service listens (@lectra/clients' ports.ts says why), and with the
    // TLS settings the service was given.
    // Long enough for a service to wait out a port in TIME_WAIT (60 s; service-kit's server.ts).
    const timeoutMs = options.timeoutMs ?? 90_000;
    const started = Date.now();
    await waitUntilListening(options.address, { timeoutMs, signal: gone.signal });
    await waitUntilServing(options.address, {
      timeoutMs: Math.max(timeoutMs - (Date.now() - started), 1000),
      signal: gone.signal,
      env: { ...process.env, ...options.env },
    });
  } catch (error) {
    child.kill("SIGKILL");
    if (gone.signal.aborted) throw new Error(`${name} exited (code ${child.exitCode}) before it was serving`);
    throw error;
  }
  options.signal?.removeEventListener("abort", abandon);
  return {
    name,
    address: options.address,
    child,
    exited,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
