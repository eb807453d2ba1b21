// Server reflection, so grpcurl and buf curl can list and call our services.
// @grpc/reflection reads `fileDescriptorProtos` from a package definition, but a
// definition loaded through protobufjs merges every file into one, and clients
// then cannot resolve imports. So we hand it buf's own per-file descriptors, taken
// verbatim from the FileDescriptorSet (field 1, repeated FileDescriptorProto).
import * as fs from "node:fs";
import { ReflectionService } from "@grpc/reflection";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { descriptorSetPaths } from "@lectra/proto";

export function fileDescriptors(descriptorSet: Uint8Array): Uint8Array[] {
  const reader = new BinaryReader(descriptorSet);
  const files: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) files.push(reader.bytes());
    else reader.skip(wireType);
  }
  return files;
}

export function reflectionService(serviceNames: string[]): ReflectionService {
  const fileDescriptorProtos = descriptorSetPaths.flatMap((p) => fileDescriptors(fs.readFileSync(p)));
  // The shape of a proto-loader PackageDefinition is all @grpc/reflection reads.
  const definition = { files: { fileDescriptorProtos, format: "Protocol Buffer 3 FileDescriptorProto" } };
  return new ReflectionService(definition as never, { services: serviceNames });
}
