// The container health check: `node probe.js <service>` asks the service in
// this container (its LECTRA_<SERVICE>_ADDR, 0.0.0.0 dialled as 127.0.0.1) for
// grpc.health.v1 and exits 0 when it is SERVING, 1 otherwise. Images need no
// grpcurl for it; Kubernetes uses its native gRPC probes instead.
import { checkHealth, dialAddress, listenAddress, SERVICES, type ServiceName } from "@lectra/clients";

const name = process.argv[2] as ServiceName;
if (!SERVICES.includes(name)) {
  process.stderr.write(`usage: probe.js <${SERVICES.join("|")}>\n`);
  process.exit(2);
}
const address = dialAddress(listenAddress(name));
void checkHealth(address, 2000).then((health) => {
  process.stdout.write(`${name} at ${address}: ${health}\n`);
  process.exit(health === "SERVING" ? 0 : 1);
});
