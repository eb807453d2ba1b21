// The result cache as callers and services speak of it, in gRPC metadata: a
// caller sends `lectra-cache: bypass` to have one call computed afresh; a
// service answers `lectra-cache: hit` in its response metadata when the result
// came from its cache. The clients here and the services' cache
// (@lectra/service-kit, cache.ts) both use these names.
export const CACHE_HEADER = "lectra-cache";
export const CACHE_BYPASS = "bypass";
export const CACHE_HIT = "hit";
