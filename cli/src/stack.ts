// The embedded mode: all six services as child processes on one machine, each
// its own Node process on its own port, exactly as they would be deployed.
import { addressEnv, SERVICES, listenAddress, type ServiceName } from "@lectra/clients";
import { checkPortFree, freePort, launchService, type LaunchedService } from "@lectra/launcher";

const COLORS = [36, 33, 35, 32, 34, 31];

export interface Stack {
  services: LaunchedService[];
  addresses: Record<ServiceName, string>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Pick free ports instead of the configured addresses (the demo does, so it never clashes). */
  freePorts?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Print the services' log lines, prefixed with their name. */
  logs?: boolean;
}

/** Starts the services in dependency order (the orchestrator last) and waits until each is SERVING. */
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
  const services: LaunchedService[] = [];
  const stop = async () => {
    await Promise.all(services.map((s) => s.stop("SIGTERM")));
  };
  try {
    await Promise.all(
      names.map(async (name, i) => {
        if (name === "orchestrator") return;
        services.push(await launch(name, i));
      }),
    );
    services.push(await launch("orchestrator", names.indexOf("orchestrator")));
  } catch (error) {
    await stop();
    throw error;
  }
  return { services, addresses, stop };

  function launch(name: ServiceName, i: number) {
    const prefix = process.stdout.isTTY ? `\x1b[${COLORS[i % COLORS.length]}m${name.padEnd(width)}\x1b[0m │ ` : `${name.padEnd(width)} | `;
    return launchService(name, {
      entry: require.resolve(`@lectra/${name}`),
      address: addresses[name],
      env,
      onLine: options.logs ? (line) => process.stderr.write(prefix + line + "\n") : undefined,
    });
  }
}
