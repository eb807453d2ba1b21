// `lectra up` and `lectra demo`: the embedded mode, all six services on this machine.
import { once } from "node:events";
import * as path from "node:path";
import { startStack, type Stack } from "../stack";
import { exitCode, generate, printSummary } from "./generate";

/**
 * Runs until Ctrl-C or SIGTERM, restarting a service that dies; either signal
 * stops every service, while they start too (a second one kills them at once).
 * Fails, with nothing left running, when a service cannot start or cannot be
 * brought back.
 */
export async function up(): Promise<void> {
  const stopping = new AbortController();
  let stack: Stack | undefined;
  const onSignal = (why: string) => {
    if (!stopping.signal.aborted) {
      console.log(`\n${why}: stopping the services…`);
      stopping.abort();
    } else {
      console.log(`\n${why} again: killing the services`);
      void stack?.stop("SIGKILL");
    }
  };
  const onInt = () => onSignal("Ctrl-C");
  const onTerm = () => onSignal("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  try {
    try {
      stack = await startStack({ logs: true, signal: stopping.signal });
    } catch (error) {
      if (!stopping.signal.aborted) throw error;
      console.log("stopped.");
      return;
    }
    console.log("\nLECTRA is up:");
    for (const s of stack.services) console.log(`  ${s.name.padEnd(12)} ${s.address}`);
    console.log("\nGenerate with: npx lectra generate --script examples/photosynthesis.md   (Ctrl-C here stops everything)\n");

    const gaveUp = await Promise.race([stack.gaveUp, once(stopping.signal, "abort").then(() => undefined)]);
    if (gaveUp) console.log("\nstopping the services…");
    await stack.stop();
    if (gaveUp) throw new Error(`${gaveUp.message}. Stopped the other services; see the service's log above`);
    console.log("stopped.");
  } finally {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  }
}

/** Starts the services on free ports, generates the example lecture into out/demo, prints the report, stops. */
export async function demo(script: string, out: string): Promise<number> {
  console.log("Starting the six LECTRA services…");
  const stack = await startStack({ freePorts: true, logs: Boolean(process.env.LECTRA_DEMO_LOGS) });
  try {
    for (const s of stack.services) console.log(`  ${s.name.padEnd(12)} ${s.address}`);
    console.log(`\nGenerating from ${script}…`);
    const { job, dir } = await generate({ script, video: true, cache: true, out, orchestrator: stack.addresses.orchestrator });
    printSummary(job, path.relative(process.cwd(), dir) || ".");
    return exitCode(job);
  } finally {
    await stack.stop();
  }
}
