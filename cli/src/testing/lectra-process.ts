// The CLI as a user runs it: its own process, stdout and stderr piped (as in
// CI, no terminal). Async, so that a stand-in orchestrator served by the test's
// own process keeps answering while it runs.
import { spawn } from "node:child_process";
import * as path from "node:path";

const MAIN = path.join(__dirname, "..", "main.js");

export function lectra(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
