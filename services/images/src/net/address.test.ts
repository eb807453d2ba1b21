import { test } from "node:test";
import assert from "node:assert/strict";
import { addressKind, refusal, type AddressKind } from "./address";

const cases: Array<[string, AddressKind]> = [
  // IPv4: every refused range, at its edges
  ["0.0.0.0", "unspecified"],
  ["0.255.255.255", "unspecified"],
  ["10.0.0.0", "private"],
  ["10.0.0.7", "private"],
  ["10.255.255.255", "private"],
  ["100.64.0.1", "private"],
  ["100.127.255.255", "private"],
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["169.254.169.254", "link-local"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.0.0.8", "reserved"],
  ["192.0.2.1", "reserved"],
  ["192.168.1.1", "private"],
  ["198.18.0.1", "reserved"],
  ["198.19.255.255", "reserved"],
  ["198.51.100.1", "reserved"],
  ["203.0.113.9", "reserved"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["240.0.0.1", "reserved"],
  ["255.255.255.255", "reserved"],
  // IPv4: public neighbours of those ranges
  ["1.1.1.1", "public"],
  ["8.8.8.8", "public"],
  ["9.255.255.255", "public"],
  ["11.0.0.0", "public"],
  ["100.63.255.255", "public"],
  ["100.128.0.0", "public"],
  ["126.255.255.255", "public"],
  ["128.0.0.0", "public"],
  ["169.253.255.255", "public"],
  ["172.15.255.255", "public"],
  ["172.32.0.0", "public"],
  ["192.167.255.255", "public"],
  ["192.169.0.0", "public"],
  ["198.17.255.255", "public"],
  ["198.20.0.0", "public"],
  ["208.80.154.224", "public"], // upload.wikimedia.org
  ["223.255.255.255", "public"],
  // IPv6
  ["::", "unspecified"],
  ["::1", "loopback"],
  ["[::1]", "loopback"],
  ["0:0:0:0:0:0:0:1", "loopback"],
  ["fc00::1", "private"],
  ["fd12:3456:789a::1", "private"],
  ["fe80::1", "link-local"],
  ["fe80::1%eth0", "link-local"],
  ["febf::1", "link-local"],
  ["ff02::1", "multicast"],
  ["2001:db8::1", "reserved"],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "reserved"], // Teredo
  ["::7f00:1", "reserved"], // IPv4-compatible, deprecated
  ["100::1", "reserved"],
  ["fec0::1", "reserved"], // site-local, deprecated
  ["2620:0:862:ed1a::1", "public"], // wikimedia
  ["2a00:1450:4001:81b::200e", "public"],
  // IPv4 inside IPv6: judged as the IPv4 address
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["::ffff:10.0.0.7", "private"],
  ["::ffff:169.254.169.254", "link-local"],
  ["::ffff:a9fe:a9fe", "link-local"],
  ["::ffff:8.8.8.8", "public"],
  ["64:ff9b::10.0.0.7", "private"],
  ["64:ff9b::a00:7", "private"],
  ["64:ff9b::8.8.8.8", "public"],
  ["2002:a00:7::1", "private"], // 6to4 of 10.0.0.7
  ["2002:808:808::1", "public"],
  // not addresses
  ["pictures.example", "invalid"],
  ["", "invalid"],
  ["10.0.0", "invalid"],
  ["1.2.3.4.5", "invalid"],
  ["0x7f.0.0.1", "invalid"],
];

test("addressKind classifies each range, its edges and its neighbours", () => {
  for (const [ip, kind] of cases) assert.equal(addressKind(ip), kind, ip);
});

test("refusal: only public addresses pass", () => {
  assert.equal(refusal("8.8.8.8", false), undefined);
  assert.equal(refusal("2620:0:862:ed1a::1", false), undefined);
  assert.equal(refusal("10.0.0.7", false), "10.0.0.7 is a private address");
  assert.equal(refusal("169.254.169.254", false), "169.254.169.254 is a link-local address");
  assert.equal(refusal("::ffff:127.0.0.1", false), "::ffff:127.0.0.1 is a loopback address");
  assert.equal(refusal("0.0.0.0", true), "0.0.0.0 is an unspecified address");
  assert.equal(refusal("pictures.example", false), "pictures.example is not an IP address");
});

test("refusal: allowing loopback allows loopback and nothing else", () => {
  for (const ip of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"]) {
    assert.equal(refusal(ip, true), undefined, ip);
    assert.match(refusal(ip, false) ?? "", /loopback/, ip);
  }
  for (const ip of ["10.0.0.7", "192.168.1.1", "169.254.169.254", "fe80::1", "fd00::1", "0.0.0.0", "::", "224.0.0.1"]) {
    assert.notEqual(refusal(ip, true), undefined, ip);
  }
});
