// A loopback socket connected to itself, as a client that dials a port before
// anything listens there can end up (libs/launcher/src/ports.ts explains):
// for the tests that show start-up survives it.
import * as net from "node:net";

/**
 * Dials 127.0.0.1:`port`, where nothing may listen, until the kernel hands a
 * dialling socket `port` itself as its source port and it connects to itself;
 * resolves with that socket, which holds the port until it is destroyed.
 * Linux gives connect() even ports first, walking the ephemeral range two by
 * two: an even port in that range comes up within some 15,000 tries (well
 * under a second). Rejects after `maxTries`.
 */
export function selfConnect(port: number, maxTries = 60_000): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    let tries = 0;
    const attempt = () => {
      tries++;
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        if (socket.localPort === port) return resolve(socket);
        socket.destroy();
        reject(new Error(`something listens on 127.0.0.1:${port}: it is no port to connect to itself on`));
      });
      socket.once("error", () => {
        if (tries < maxTries) setImmediate(attempt);
        else reject(new Error(`no self-connect on 127.0.0.1:${port} in ${maxTries} tries (is it an even port in /proc/sys/net/ipv4/ip_local_port_range?)`));
      });
    };
    attempt();
  });
}

/** A free even port in Linux's default ephemeral range (32768-60999), where connect() hands out source ports. */
export async function freeEphemeralEvenPort(): Promise<number> {
  for (;;) {
    const port = 32768 + 2 * Math.floor(Math.random() * 14000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
