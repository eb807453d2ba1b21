// Starts a LECTRA service as its own process and waits until its health check
// says SERVING. Used by `lectra up`/`lectra demo` and by the process-level tests,
// so both run the services exactly the way a deployment does.
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as readline from "node:readline";
import { addressEnv, waitUntilServing, type ServiceName } from "@lectra/clients";

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
}

export function freePort(host = "127.0.0.1"): Promise<number> {
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

export async function launchService(name: ServiceName, options: LaunchOptions): Promise<LaunchedService> {
  const child = spawn(process.execPath, [options.entry], {
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
  try {
    await waitUntilServing(options.address, { timeoutMs: options.timeoutMs ?? 30_000, signal: gone.signal });
  } catch (error) {
    child.kill("SIGKILL");
    if (gone.signal.aborted) throw new Error(`${name} exited (code ${child.exitCode}) before it was serving`);
    throw error;
  }
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
