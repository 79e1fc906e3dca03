import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { UsageError } from "../errors.js";

/** Whether `host` (a --host value) only reaches this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || /^::ffff:127\./.test(h);
  return false;
}

/**
 * `Authorization: Bearer KEY`, the token compared exactly (nothing trimmed: a key is never blank,
 * see `checkApiKey`) and in constant time (hashes make the lengths equal).
 */
export function bearerMatches(header: string | undefined, key: string): boolean {
  const match = /^Bearer +(.+)$/i.exec(header ?? "");
  if (!match?.[1]) return false;
  const given = createHash("sha256").update(match[1]).digest();
  const wanted = createHash("sha256").update(key).digest();
  return timingSafeEqual(given, wanted);
}

/**
 * A keyless server answers only requests addressed to a loopback name, so a web page cannot reach
 * it through DNS rebinding (its Host header would name the attacker's domain).
 */
export function hostHeaderAllowed(header: string | undefined): boolean {
  if (header === undefined) return true;
  const name = header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : (header.split(":")[0] ?? "");
  return isLoopbackHost(name);
}

/**
 * `key` when it can be sent as a bearer token; a UsageError (exit 2) when it is blank, or starts or
 * ends with whitespace (HTTP drops that from a header, so no request could match).
 */
export function checkApiKey(key: string, source: string): string {
  if (key.trim() === "") throw new UsageError(`${source} is blank: give a real key, or leave it out to listen on loopback only`);
  if (key.trim() !== key) throw new UsageError(`${source} starts or ends with whitespace, which no HTTP client can send`);
  return key;
}

/** Refuses (UsageError, exit 2) to listen beyond this machine without an API key. */
export function assertSafeBind(host: string, apiKey: string | undefined): void {
  if (!isLoopbackHost(host) && apiKey === undefined) {
    throw new UsageError(`refusing to listen on ${host} without an API key: pass --api-key KEY or set SPARK_API_KEY`);
  }
}
