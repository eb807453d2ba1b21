import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ConfigError, listenAddress, serviceTarget } from "./config";

describe("service addresses", () => {
  it("callers take any gRPC target, or the default port on loopback", () => {
    assert.equal(serviceTarget("speech", {}), "127.0.0.1:50055");
    assert.equal(serviceTarget("speech", { LECTRA_SPEECH_ADDR: " dns:///speech:50055 " }), "dns:///speech:50055");
    assert.equal(serviceTarget("slides", { LECTRA_SLIDES_ADDR: "ipv4:10.0.0.1:50054,10.0.0.2:50054" }), "ipv4:10.0.0.1:50054,10.0.0.2:50054");
  });

  it("a service listens on host:port, IPv6 included", () => {
    assert.equal(listenAddress("video", {}), "127.0.0.1:50056");
    assert.equal(listenAddress("video", { LECTRA_VIDEO_ADDR: "0.0.0.0:50056" }), "0.0.0.0:50056");
    assert.equal(listenAddress("video", { LECTRA_VIDEO_ADDR: "[::]:50056" }), "[::]:50056");
    assert.equal(listenAddress("video", { LECTRA_VIDEO_ADDR: "video:7000" }), "video:7000");
  });

  it("a target naming other replicas is refused as a listening address, saying which variable and why", () => {
    for (const value of ["dns:///speech:50055", "ipv4:127.0.0.1:1,127.0.0.1:2", "speech"]) {
      assert.throws(
        () => listenAddress("speech", { LECTRA_SPEECH_ADDR: value }),
        (e: Error) => e instanceof ConfigError && e.message.includes(`LECTRA_SPEECH_ADDR="${value}"`) && e.message.includes("host:port"),
      );
    }
  });
});
