// Test helper: a SafeFetch for tests against loopback fakes. Loopback is
// allowed, and the dial hook keeps every socket on 127.0.0.1: anything else a
// test would have dialled is recorded in `stray` (for the test to assert empty)
// and refused, so a broken guard can never reach a real private address.
import { SafeFetch, type SafeFetchOptions } from "../net/safe-fetch";

export function loopbackFetch(options: Partial<SafeFetchOptions> = {}): { net: SafeFetch; stray: string[] } {
  const stray: string[] = [];
  const net = new SafeFetch({
    timeoutMs: 5_000,
    maxBytes: 1024 * 1024,
    allowLoopback: true,
    userAgent: "LECTRA-test/1",
    dial: ({ address }) => {
      if (address === "127.0.0.1") return address;
      stray.push(address);
      throw new Error(`the test tried to dial ${address}`);
    },
    ...options,
  });
  return { net, stray };
}
