import { describe, expect, test } from "vitest";
import { siweMessage } from "../src/lib/siwe";

const FIELDS = {
  domain: "127.0.0.1:8600",
  address: "0xd8da6bf26964af9d7eed9e03e53415d37aa96045",
  statement: "Sign in to the pilotchain console.",
  uri: "http://127.0.0.1:8600",
  chainId: 1337,
  nonce: "a1B2c3D4e5",
  issuedAt: new Date("2026-11-30T19:00:00Z"),
};

describe("SIWE messages (EIP-4361)", () => {
  test("the message has the specification's lines, address checksummed", () => {
    expect(siweMessage(FIELDS)).toBe([
      "127.0.0.1:8600 wants you to sign in with your Ethereum account:",
      "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045",
      "",
      "Sign in to the pilotchain console.",
      "",
      "URI: http://127.0.0.1:8600",
      "Version: 1",
      "Chain ID: 1337",
      "Nonce: a1B2c3D4e5",
      "Issued At: 2026-11-30T19:00:00.000Z",
    ].join("\n"));
  });

  test("an expiration time is the last line", () => {
    const message = siweMessage({ ...FIELDS, expirationTime: new Date("2026-11-30T20:00:00Z") });
    expect(message.split("\n").at(-1)).toBe("Expiration Time: 2026-11-30T20:00:00.000Z");
  });

  test("a short nonce is refused", () => {
    expect(() => siweMessage({ ...FIELDS, nonce: "abc" })).toThrow(/nonce/);
  });
});
