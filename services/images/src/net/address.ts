// Which IP addresses a picture download may connect to. A search API answers
// with URLs chosen by strangers (uploaders, redirecting hosts), so without this
// check a URL or a redirect could make the service fetch from the machine
// itself, the internal network or a cloud metadata endpoint (SSRF).
//
// Pure functions over address strings: the network code resolves a host name,
// asks `refusal` about every address, and connects only to a vetted one.
import { isIPv4, isIPv6 } from "node:net";

export type AddressKind =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "unspecified"
  | "multicast"
  | "reserved"
  | "invalid";

/** An IPv4 range: first address as a 32-bit number, prefix length, kind. */
type Range4 = [base: number, bits: number, kind: AddressKind];

const v4 = (text: string): number => text.split(".").reduce((n, part) => n * 256 + Number(part), 0);

const RANGES_V4: Range4[] = [
  [v4("0.0.0.0"), 8, "unspecified"], // "this network"; 0.0.0.0 reaches the local host on Linux
  [v4("10.0.0.0"), 8, "private"],
  [v4("100.64.0.0"), 10, "private"], // carrier-grade NAT, shared address space
  [v4("127.0.0.0"), 8, "loopback"],
  [v4("169.254.0.0"), 16, "link-local"], // cloud metadata lives here (169.254.169.254)
  [v4("172.16.0.0"), 12, "private"],
  [v4("192.0.0.0"), 24, "reserved"], // IETF protocol assignments
  [v4("192.0.2.0"), 24, "reserved"], // documentation
  [v4("192.168.0.0"), 16, "private"],
  [v4("198.18.0.0"), 15, "reserved"], // benchmarking
  [v4("198.51.100.0"), 24, "reserved"], // documentation
  [v4("203.0.113.0"), 24, "reserved"], // documentation
  [v4("224.0.0.0"), 4, "multicast"],
  [v4("240.0.0.0"), 4, "reserved"], // includes 255.255.255.255
];

function inRange(value: number, base: number, bits: number): boolean {
  const size = 2 ** (32 - bits);
  return value >= base && value < base + size;
}

function kindOfV4(value: number): AddressKind {
  for (const [base, bits, kind] of RANGES_V4) if (inRange(value, base, bits)) return kind;
  return "public";
}

/** "2001:db8::1" → its eight 16-bit groups. A dotted IPv4 tail ("::ffff:1.2.3.4") becomes two hex groups first. */
function groupsOfV6(text: string): number[] {
  const hex = text.replace(/(\d+\.\d+\.\d+\.\d+)$/, (dotted) => {
    const n = v4(dotted);
    return `${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  });
  const parse = (part: string) => (part ? part.split(":").map((g) => parseInt(g, 16)) : []);
  if (!hex.includes("::")) return parse(hex);
  const [head = "", tail = ""] = hex.split("::");
  const front = parse(head);
  const back = parse(tail);
  return [...front, ...new Array<number>(Math.max(0, 8 - front.length - back.length)).fill(0), ...back];
}

function kindOfV6(text: string): AddressKind {
  const g = groupsOfV6(text);
  if (g.length !== 8 || g.some((x) => !Number.isInteger(x) || x < 0 || x > 0xffff)) return "invalid";
  const embeddedV4 = () => g[6]! * 65536 + g[7]!;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);

  if (zeros(0, 8)) return "unspecified"; // ::
  if (zeros(0, 7) && g[7] === 1) return "loopback"; // ::1
  if (zeros(0, 5) && g[5] === 0xffff) return kindOfV4(embeddedV4()); // ::ffff:a.b.c.d, IPv4-mapped
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return kindOfV4(embeddedV4()); // 64:ff9b::/96, NAT64
  if (g[0] === 0x2002) return kindOfV4(g[1]! * 65536 + g[2]!); // 2002::/16, 6to4 carries an IPv4 address
  if ((g[0]! & 0xfe00) === 0xfc00) return "private"; // fc00::/7, unique local
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local"; // fe80::/10
  if ((g[0]! & 0xff00) === 0xff00) return "multicast"; // ff00::/8
  if (g[0] === 0x2001 && (g[1] === 0x0db8 || g[1] === 0)) return "reserved"; // documentation; Teredo (hides an IPv4 address)
  // Everything else outside global unicast (2000::/3): IPv4-compatible ::a.b.c.d,
  // 64:ff9b:1::/48, 100::/64 (discard), site-local and the unassigned rest.
  if ((g[0]! & 0xe000) !== 0x2000) return "reserved";
  return "public";
}

/** What kind of address `ip` is ("10.0.0.7" → private, "::ffff:127.0.0.1" → loopback). Brackets are allowed: "[::1]". */
export function addressKind(ip: string): AddressKind {
  const bare = ip.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, ""); // a zone ("fe80::1%eth0") does not change the kind
  if (isIPv4(bare)) return kindOfV4(v4(bare));
  if (isIPv6(bare)) return kindOfV6(bare.toLowerCase());
  return "invalid";
}

/**
 * Why a download must not connect to `ip`, or undefined when it may. Only public
 * addresses are allowed, plus loopback when `allowLoopback` is set (tests run
 * their fake servers on 127.0.0.1; nothing else ever needs it).
 */
export function refusal(ip: string, allowLoopback: boolean): string | undefined {
  const kind = addressKind(ip);
  if (kind === "public" || (kind === "loopback" && allowLoopback)) return undefined;
  if (kind === "invalid") return `${ip} is not an IP address`;
  return `${ip} is ${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind} address`;
}
