// Waiting for something a process does, in tests: no fixed sleeps.
import * as assert from "node:assert/strict";
import * as fs from "node:fs/promises";

/** Polls `check` until it holds; fails the test, saying what did not happen, after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether `pid` has a child process whose command line matches `pattern` (Linux /proc). */
export async function hasChildMatching(pid: number, pattern: RegExp): Promise<boolean> {
  const children = (await fs.readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "")).trim().split(/\s+/).filter(Boolean);
  for (const child of children) {
    const cmdline = await fs.readFile(`/proc/${child}/cmdline`, "utf8").catch(() => "");
    if (pattern.test(cmdline)) return true;
  }
  return false;
}
