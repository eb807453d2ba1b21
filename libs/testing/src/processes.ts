// Runs LECTRA services as real processes for tests: each on a free loopback
// port, started with the same Node that runs the tests, stopped with SIGTERM.
import * as path from "node:path";
import { addressEnv, type ServiceName } from "@lectra/clients";
import { freePort, launchService, type LaunchedService } from "@lectra/launcher";

export { freePort };

export const repoRoot = path.resolve(__dirname, "..", "..", "..");

export interface ServiceProcess extends LaunchedService {
  /** Everything the process has written so far. */
  logs(): string;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Address to listen on; a free loopback port by default. */
  address?: string;
  timeoutMs?: number;
}

/** Starts services/<name>/dist/main.js and waits until its health check says SERVING. */
export async function startService(name: ServiceName, options: StartOptions = {}): Promise<ServiceProcess> {
  let output = "";
  const launched = await launchService(name, {
    entry: path.join(repoRoot, "services", name, "dist", "main.js"),
    address: options.address ?? `127.0.0.1:${await freePort()}`,
    // No result cache unless a test asks for one: a cache shared between runs would hide work.
    env: { LECTRA_LOG_LEVEL: "warn", LECTRA_CACHE_MAX_MB: "0", ...options.env },
    timeoutMs: options.timeoutMs,
    onLine: (line) => {
      output += line + "\n";
      if (process.env.LECTRA_TEST_LOGS) process.stderr.write(`[${name}] ${line}\n`);
    },
  }).catch((error: Error) => {
    throw new Error(`${error.message}\n${output}`);
  });
  return { ...launched, logs: () => output };
}

/**
 * Environment that points every service at the given processes' addresses.
 * Replicas of one service become one gRPC target (`ipv4:a,b`), which callers
 * balance over, as they would over a name that resolves to every replica.
 */
export function addressesEnv(services: LaunchedService[]): NodeJS.ProcessEnv {
  const byName = groupByName(services);
  return Object.fromEntries(
    [...byName].map(([name, replicas]) => [
      addressEnv(name),
      replicas.length === 1 ? replicas[0].address : `ipv4:${replicas.map((r) => r.address).join(",")}`,
    ]),
  );
}

export function groupByName<S extends LaunchedService>(services: S[]): Map<ServiceName, S[]> {
  const byName = new Map<ServiceName, S[]>();
  for (const s of services) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  return byName;
}

/** How many `method` calls a service's logs say it served (service-kit's access log, at debug level). */
export function callsServed(logs: string, method: string): number {
  return logs.split("\n").filter((line) => line.includes(`${method} served`)).length;
}
