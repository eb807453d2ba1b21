#!/bin/sh
# Generates the TypeScript contracts (libs/proto/src/gen) and the descriptor sets
# that server reflection serves (libs/proto/descriptor) from proto/, after buf
# lint. Run from anywhere; nx's proto:generate target and the images run it.
set -e
cd "$(dirname "$0")/../.."
buf lint
buf generate
mkdir -p libs/proto/descriptor
buf build -o libs/proto/descriptor/lectra.binpb
buf build node_modules/grpc-health-check/proto -o libs/proto/descriptor/health.binpb
