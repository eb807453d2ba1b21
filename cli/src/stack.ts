// The embedded mode: all six services as child processes on one machine, each
// its own Node process on its own port, exactly as they would be deployed, and
// kept running: one that dies is started again (@lectra/launcher's supervisor).
// Either all six start or none is left running.
import { addressEnv, SERVICES, listenAddress, type ServiceName } from "@lectra/clients";
import { checkPortFree, freePort, Supervisor, type LaunchOptions, type SupervisedService } from "@lectra/launcher";

const COLORS = [36, 33, 35, 32, 34, 31];

export interface Stack {
  services: SupervisedService[];
  addresses: Record<ServiceName, string>;
  /** Resolves when a service died and could not be started again: stop the stack and fail. */
  gaveUp: Promise<Error>;
  /** Stops every service: SIGTERM (SIGKILL for one that does not exit in time), or SIGKILL at once. */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
}

export interface StackOptions {
  /** Pick free ports instead of the configured addresses (the demo does, so it never clashes). */
  freePorts?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Print the services' log lines, prefixed with their name. */
  logs?: boolean;
  /** Aborting it while the services start stops those started so far, and startStack fails. */
  signal?: AbortSignal;
}

/**
 * Starts the services in dependency order (the orchestrator last) and waits
 * until each is SERVING. When one cannot start, or `signal` aborts, it stops
 * the others (those still starting too) before it fails.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const names: ServiceName[] = [...SERVICES.filter((s) => s !== "orchestrator"), "orchestrator"];
  const addresses = {} as Record<ServiceName, string>;
  for (const name of names) {
    addresses[name] = options.freePorts ? `127.0.0.1:${await freePort()}` : listenAddress(name);
    if (!options.freePorts) {
      await checkPortFree(addresses[name]).catch((error: Error) => {
        throw new Error(`cannot start ${name}: ${error.message}. Is LECTRA already running (lectra up)? Or set ${addressEnv(name)}.`);
      });
    }
  }
  const env: NodeJS.ProcessEnv = { ...options.env, ...Object.fromEntries(names.map((n) => [addressEnv(n), addresses[n]])) };
  const width = Math.max(...names.map((n) => n.length));
  // Restarts are always told, logs or not: a service that died is news.
  const supervisor = new Supervisor({ log: (line) => process.stderr.write(`lectra: ${line}\n`) });
  const abort = () => void supervisor.stop();
  options.signal?.addEventListener("abort", abort, { once: true });
  let services: SupervisedService[];
  try {
    options.signal?.throwIfAborted();
    const workers = await Promise.all(names.filter((n) => n !== "orchestrator").map((name) => supervisor.start(name, launch(name))));
    services = [...workers, await supervisor.start("orchestrator", launch("orchestrator"))];
  } catch (error) {
    await supervisor.stop();
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", abort);
  }
  return { services, addresses, gaveUp: supervisor.gaveUp, stop: (signal) => supervisor.stop(signal) };

  function launch(name: ServiceName): LaunchOptions {
    const i = names.indexOf(name);
    const prefix = process.stdout.isTTY ? `\x1b[${COLORS[i % COLORS.length]}m${name.padEnd(width)}\x1b[0m │ ` : `${name.padEnd(width)} | `;
    return {
      entry: require.resolve(`@lectra/${name}`),
      address: addresses[name],
      env,
      onLine: options.logs ? (line) => process.stderr.write(prefix + line + "\n") : undefined,
    };
  }
}
