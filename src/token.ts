import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A random access token of 24 bytes, as URL-safe text. */
export function newToken(): string {
  return randomBytes(24).toString("base64url");
}

/**
 * A constant-time test of a client's token against `token`. Both sides are compared as
 * SHA-256 digests, which have one length whatever the client sent: timingSafeEqual throws
 * on buffers of different lengths, and a string of the token's length in characters can
 * have more bytes (one non-ASCII character).
 */
export function tokenChecker(token: string): (given: unknown) => boolean {
  const expected = createHash("sha256").update(token).digest();
  return (given) => typeof given === "string" && timingSafeEqual(createHash("sha256").update(given).digest(), expected);
}
