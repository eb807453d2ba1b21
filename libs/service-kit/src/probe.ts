// The container health check: `node probe.js [service]` asks the service in
// this container (its LECTRA_<SERVICE>_ADDR, 0.0.0.0 dialled as 127.0.0.1) for
// grpc.health.v1 and exits 0 when it is SERVING, 1 otherwise. Images need no
// grpcurl for it. Kubernetes uses its native gRPC probes instead, except in
// the tls overlay: the kubelet's gRPC probes cannot speak TLS.
// It dials only once the port is listened on (@lectra/clients' ports.ts: a
// dial before that can leave the service's own port unusable for a minute),
// and with the service's TLS settings, which it shares.
import { checkHealth, dialAddress, isListening, listenAddress, portOf, SERVICES, type ServiceName } from "@lectra/clients";

// The image sets LECTRA_SERVICE, so one probe command serves every service's pods.
const name = (process.argv[2] ?? process.env.LECTRA_SERVICE) as ServiceName;
if (!SERVICES.includes(name)) {
  process.stderr.write(`usage: probe.js <${SERVICES.join("|")}> (or LECTRA_SERVICE set to one)\n`);
  process.exit(2);
}
const address = dialAddress(listenAddress(name));
const port = portOf(address);
if (port !== undefined && isListening(port) === false) {
  process.stdout.write(`${name} at ${address}: not listening yet\n`);
  process.exit(1);
}
void checkHealth(address, 2000).then((health) => {
  process.stdout.write(`${name} at ${address}: ${health}\n`);
  process.exit(health === "SERVING" ? 0 : 1);
});
