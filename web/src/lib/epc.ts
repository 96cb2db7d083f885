/**
 * GS1 identifiers as the chain names them: an EPC URN or a GS1 Digital Link → canonical Digital
 * Link → bytes32 item id. A port of pilotchain/epcis/identifiers.py and codes.py (`canonical`,
 * `item_id`), so the verification page computes the id it asks the chain about itself instead of
 * taking the server's word for it. The Python tests and tests/web check both give one id.
 */
import { keccak256, toUtf8Bytes } from "ethers";

const DL_HOST = "https://id.gs1.org";
const XCHAR = "(?:%[0-9A-Fa-f]{2}|[!'()*+,\\-.0-9:;=A-Z_a-z])";
const URN = /^urn:epc:(id|class|idpat):([a-z0-9]+):(.+)$/;
const SERIAL = new RegExp(`^${XCHAR}{1,20}$`);
const COMPANY_PREFIX = /^[0-9]{6,12}$/;
const PREFIXED_SCHEMES = new Set([
  "sgtin", "sscc", "sgln", "grai", "giai", "gsrn", "gsrnp", "gdti", "cpi", "sgcn", "ginc", "gsin",
  "itip", "upui", "pgln", "lgtin",
]);
const DIGITAL_LINK_KEY = /^https:\/\/id\.gs1\.org\/(01|00|414|417|8003|8004|8006|8010|8017|8018|253|255)\/([0-9]+)/;

/** The GS1 mod-10 check digit of a key written without it. */
export function checkDigit(digits: string): string {
  let total = 0;
  [...digits].reverse().forEach((d, i) => (total += Number(d) * (i % 2 === 0 ? 3 : 1)));
  return String((10 - (total % 10)) % 10);
}

const withCheck = (digits: string) => digits + checkDigit(digits);
const isDigits = (text: string) => /^[0-9]+$/.test(text);

/** A URN serial as the Digital Link path writes it (GS1 DL table 7-1; URN escapes decoded). */
function escapeSerial(text: string): string {
  const decoded = text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return [...decoded]
    .map((c) => ("!()*+,:/ #%&".includes(c) ? "%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0") : c))
    .join("");
}

/** Python's `str.split(".", parts - 1)` with an exact count, or null. */
function split(body: string, parts: number): string[] | null {
  const pieces = body.split(".");
  const fields = [...pieces.slice(0, parts - 1), pieces.slice(parts - 1).join(".")];
  return pieces.length >= parts ? fields : null;
}

function company(prefix: string, ref: string, width: number): boolean {
  return isDigits(prefix) && prefix.length >= 6 && prefix.length <= 12 && isDigits(ref) &&
    prefix.length + ref.length === width;
}

function urnToPath(kind: string, scheme: string, body: string): string | null {
  if (scheme === "sgtin" && (kind === "id" || kind === "idpat")) {
    const f = split(body, 3);
    if (!f || !company(f[0], f[1], 13)) return null;
    const gtin = "/01/" + withCheck(f[1][0] + f[0] + f[1].slice(1));
    if (kind === "idpat") return f[2] === "*" ? gtin : null;
    return SERIAL.test(f[2]) ? gtin + "/21/" + escapeSerial(f[2]) : null;
  }
  if (scheme === "lgtin" && kind === "class") {
    const f = split(body, 3);
    if (!f || !company(f[0], f[1], 13) || !SERIAL.test(f[2])) return null;
    return "/01/" + withCheck(f[1][0] + f[0] + f[1].slice(1)) + "/10/" + escapeSerial(f[2]);
  }
  if (kind !== "id") return null;
  if (scheme === "sscc") {
    const f = split(body, 2);
    if (!f || !company(f[0], f[1], 17)) return null;
    return "/00/" + withCheck(f[1][0] + f[0] + f[1].slice(1));
  }
  if (["sgln", "grai", "gdti", "sgcn"].includes(scheme)) {
    const f = split(body, 3);
    if (!f || !company(f[0], f[1], 12)) return null;
    const key = withCheck((scheme === "grai" ? "0" : "") + f[0] + f[1]);
    if (scheme === "sgln") {
      if (!SERIAL.test(f[2])) return null;
      return "/414/" + key + (f[2] === "0" ? "" : "/254/" + escapeSerial(f[2]));
    }
    const limit = { grai: 16, gdti: 17, sgcn: 12 }[scheme as "grai" | "gdti" | "sgcn"];
    if (!new RegExp(`^${XCHAR}{0,${limit}}$`).test(f[2]) || (scheme === "grai" && !f[2])) return null;
    const ai = { grai: "8003", gdti: "253", sgcn: "255" }[scheme as "grai" | "gdti" | "sgcn"];
    return `/${ai}/${key}${escapeSerial(f[2])}`;
  }
  if (scheme === "giai") {
    const f = split(body, 2);
    if (!f || !isDigits(f[0]) || f[0].length < 6 || f[0].length > 12) return null;
    if (!new RegExp(`^${XCHAR}{1,${30 - f[0].length}}$`).test(f[1])) return null;
    return "/8004/" + f[0] + escapeSerial(f[1]);
  }
  if (scheme === "gsrn" || scheme === "gsrnp") {
    const f = split(body, 2);
    if (!f || !company(f[0], f[1], 17)) return null;
    return (scheme === "gsrn" ? "/8018/" : "/8017/") + withCheck(f[0] + f[1]);
  }
  if (scheme === "pgln") {
    const f = split(body, 2);
    if (!f || !company(f[0], f[1], 12)) return null;
    return "/417/" + withCheck(f[0] + f[1]);
  }
  return null;
}

// Digital Link primary keys: AI -> [digits of the key incl. check digit (null: alphanumeric), qualifiers in order].
const PRIMARY: Record<string, [number | null, string[]]> = {
  "01": [14, ["22", "10", "21"]], "00": [18, []], "414": [13, ["254"]], "417": [13, []],
  "8003": [null, []], "8004": [null, []], "8018": [18, []], "8017": [18, []],
  "253": [null, []], "255": [null, []], "8006": [18, ["22", "10", "21"]], "8010": [null, ["8011"]],
  "401": [null, []], "402": [17, []],
};
const CHECKED_PREFIX: Record<string, number> = { "8003": 14, "253": 13, "255": 13 };

/** [canonical path, problem] of a URI that looks like a GS1 Digital Link; [null, null] otherwise. */
function dlPath(uri: string): [string | null, string | null] {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return [null, null];
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !url.host) return [null, null];
  const segments = url.pathname.split("/").slice(1);
  let start = -1;
  for (let i = 0; i < segments.length - 1; i++) {
    if (segments[i] in PRIMARY) {
      start = i;
      break;
    }
  }
  if (start < 0) return [null, null];
  const ai = segments[start];
  let key = segments[start + 1];
  const [length, qualifiers] = PRIMARY[ai];
  if (ai === "01" && isDigits(key) && [8, 12, 13].includes(key.length)) key = key.padStart(14, "0");
  if (length !== null) {
    if (!isDigits(key) || key.length !== length) return [null, `${ai} needs ${length} digits`];
    if (checkDigit(key.slice(0, -1)) !== key.slice(-1)) return [null, `wrong check digit in GS1 key ${key}`];
  } else if (ai in CHECKED_PREFIX) {
    const n = CHECKED_PREFIX[ai];
    if (!isDigits(key.slice(0, n)) || key.length < n || checkDigit(key.slice(0, n - 1)) !== key[n - 1]) {
      return [null, `wrong check digit in GS1 key ${key}`];
    }
  }
  const rest = segments.slice(start + 2);
  if (rest.length % 2) return [null, "Digital Link qualifiers come in pairs (AI/value)"];
  const given = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) given.set(rest[i], rest[i + 1]);
  const unknown = [...given.keys()].filter((q) => !qualifiers.includes(q));
  if (unknown.length) return [null, `${unknown[0]} is not a qualifier of AI ${ai}`];
  const path = `/${ai}/${key}` + qualifiers.filter((q) => given.has(q)).map((q) => `/${q}/${given.get(q)}`).join("");
  return [path, null];
}

/** The canonical form of an identifier: the canonical GS1 Digital Link for a GS1 key, else itself. */
export function canonical(uri: string): string {
  const match = URN.exec(uri);
  if (match) {
    const path = urnToPath(match[1], match[2], match[3]);
    return path ? DL_HOST + path : uri;
  }
  const [path] = dlPath(uri);
  return path ? DL_HOST + path : uri;
}

/** Why `uri` is not a valid EPC URN / GS1 Digital Link, or null (other URIs are not judged). */
export function identifierProblem(uri: string): string | null {
  const match = URN.exec(uri);
  if (match) {
    const known = ["sgtin", "lgtin", "sscc", "sgln", "grai", "gdti", "sgcn", "giai", "gsrn", "gsrnp", "pgln"];
    if (!known.includes(match[2])) return null;
    return urnToPath(match[1], match[2], match[3]) === null
      ? `${uri} does not follow the EPC ${match[1]} URN grammar for ${match[2]}`
      : null;
  }
  if (uri.startsWith("urn:epc:")) return `${uri} is not an EPC URN (urn:epc:id|class|idpat:SCHEME:…)`;
  const [, problem] = dlPath(uri);
  return problem ? `${uri}: ${problem}` : null;
}

/** The digits of a Digital Link's key that begin with the company prefix, or null. */
export function digitalLinkDigits(identifier: string): string | null {
  const link = canonical(identifier);
  const match = DIGITAL_LINK_KEY.exec(link);
  if (!match || (identifier.startsWith("urn:") && link !== identifier)) return null;
  const [, ai, key] = match;
  return ["01", "00", "8003", "8006"].includes(ai) ? key.slice(1) : key;
}

/**
 * The GS1 company prefix of an EPC URN, or — for a Digital Link, which does not say where its
 * prefix ends — the longest of `knownPrefixes` its key starts with; null when there is none.
 */
export function companyPrefix(identifier: string, knownPrefixes: Iterable<string> = []): string | null {
  const digits = digitalLinkDigits(identifier);
  if (digits !== null) {
    const found = [...knownPrefixes].filter((p) => digits.startsWith(p));
    return found.length ? found.reduce((a, b) => (b.length > a.length ? b : a)) : null;
  }
  const parts = identifier.split(":");
  if (parts.length !== 5 || parts[0] !== "urn" || parts[1] !== "epc" || !["id", "class", "idpat"].includes(parts[2])) {
    return null;
  }
  if (!PREFIXED_SCHEMES.has(parts[3])) return null;
  const prefix = parts[4].split(".", 1)[0];
  return COMPANY_PREFIX.test(prefix) ? prefix : null;
}

/** The contract's bytes6 key of a company prefix: its digits as BCD, filled with 0xF (hex, no 0x). */
export function prefixKey(prefix: string): string {
  if (!COMPANY_PREFIX.test(prefix) || /^0+$/.test(prefix)) throw new Error(`${prefix} is not a GS1 company prefix`);
  return prefix.padEnd(12, "f");
}

/** Every prefix a Digital Link's key could start with (6 to 12 digits), for a lookup on chain. */
export function candidatePrefixes(identifier: string): string[] {
  const digits = digitalLinkDigits(identifier);
  if (digits === null) return [];
  const found: string[] = [];
  for (let n = 6; n <= Math.min(12, digits.length); n++) {
    if (!/^0+$/.test(digits.slice(0, n))) found.push(digits.slice(0, n));
  }
  return found;
}

/** The bytes32 item id (0x-hex) of an EPC: prefix key, then the last 26 bytes of keccak(canonical form). */
export function itemId(identifier: string, knownPrefixes: Iterable<string> = []): string {
  const prefix = companyPrefix(identifier, knownPrefixes);
  const key = prefix && !/^0+$/.test(prefix) ? prefixKey(prefix) : "0".repeat(12);
  return "0x" + key + keccak256(toUtf8Bytes(canonical(identifier))).slice(2 + 12);
}

/** True for a 0x-prefixed 32-byte id typed in place of an EPC. */
export const isItemIdHex = (text: string) => /^0x[0-9a-fA-F]{64}$/.test(text);
