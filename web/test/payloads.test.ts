// The expected payloads were written by the library (pilotchain/registry.py) for the same input:
//   admit_payload([NewEntity(name="Chengdu Battery Recycling Co.", kind=EntityKind.Other, region=510100,
//     code="91510100MA00000099", admin="0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
//     dossier_hash=bytes.fromhex("11" * 32), dossier_uri="https://example.org/d.pdf", capabilities=Capability(1))])
//   status_payload(7, "fraud")
import { describe, expect, test } from "vitest";
import { actionCode, admitPayload, registrationCode, statusPayload } from "../src/governance/payloads";

const ADMIT =
  "0x0000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000200000000000000000000000000000000000000000000000000000000000000120000000000000000000000000000000000000000000000000000000000000000700000000000000000000000000000000000000000000000000000000000" +
  "7c89439313531303130304d41303030303030393900000000000000000000000000001111111111111111111111111111111111111111111111111111111111111111000000000000000000000000000000000000000000000000000000000000016000000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c800000000000000000000000000000000000000000000000000000000000000010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001d4368656e67647520426174746572792052656379636c696e6720436f2e000000000000000000000000000000000000000000000000000000000000000000001968747470733a2f2f6578616d706c652e6f72672f642e70646600000000000000";

describe("proposal payloads", () => {
  test("an admission encodes as the library encodes it", () => {
    expect(admitPayload([{ name: "Chengdu Battery Recycling Co.", kind: "Other", region: 510100, code: "91510100MA00000099",
      admin: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", dossierHash: "0x" + "11".repeat(32),
      dossierURI: "https://example.org/d.pdf", capabilities: 1 }])).toBe(ADMIT);
  });

  test("a suspension's reason is hashed as the library hashes it", () => {
    expect(statusPayload(7, "fraud")).toBe(
      "0x000000000000000000000000000000000000000000000000000000000000000741ccbd4bc0f8e8623ef51d82f515d51c5d5309a30f2775955545ee26daf2424c");
  });

  test("a registration code past 32 characters or not ASCII is refused", () => {
    expect(registrationCode("x".repeat(33))).toBeNull();
    expect(registrationCode("统一社会信用代码")).toBeNull();
    expect(registrationCode("")).toBeNull();
  });

  test("action codes are the ABI enum's positions", () => {
    expect([actionCode("Admit"), actionCode("Suspend"), actionCode("Reinstate")]).toEqual([0, 1, 2]);
  });
});
