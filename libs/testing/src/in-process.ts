// A gRPC service served inside the test's own process, on a free loopback
// port: a stand-in peer whose answers the test writes, for code under test
// that runs as a real client (the CLI, a client library).
import * as grpc from "@grpc/grpc-js";

export interface InProcessServer {
  address: string;
  stop(): void;
}

export async function serveInProcess(definition: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation): Promise<InProcessServer> {
  const server = new grpc.Server();
  server.addService(definition, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
  );
  return { address: `127.0.0.1:${port}`, stop: () => server.forceShutdown() };
}
