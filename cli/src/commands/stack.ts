// `lectra up` and `lectra demo`: the embedded mode, all six services on this machine.
import * as path from "node:path";
import { startStack } from "../stack";
import { exitCode, generate, printSummary } from "./generate";

export async function up(): Promise<void> {
  const stack = await startStack({ logs: true });
  console.log("\nLECTRA is up:");
  for (const s of stack.services) console.log(`  ${s.name.padEnd(12)} ${s.address}`);
  console.log("\nGenerate with: npx lectra generate --script examples/photosynthesis.md   (Ctrl-C here stops everything)\n");

  await new Promise<void>((resolve) => {
    let stopping = false;
    const shutdown = (why: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${why}: stopping the services…`);
      void stack.stop().then(resolve);
    };
    process.on("SIGINT", () => shutdown("Ctrl-C"));
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    for (const s of stack.services) {
      void s.exited.then((code) => shutdown(`${s.name} exited with code ${code}`));
    }
  });
  console.log("stopped.");
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
