// Vectors computed with pilotchain.epcis (identifiers.canonical, codes.item_id): the page and the
// library must derive the same on-chain id from the same identifier.
import { describe, expect, test } from "vitest";
import { canonical, candidatePrefixes, companyPrefix, identifierProblem, itemId } from "../src/lib/epc";
import { identifierFromPath, verifyPath } from "../src/verify/page";

const VECTORS: [string, string, string][] = [
  ["urn:epc:id:sgtin:0614141.107346.2018", "https://id.gs1.org/01/10614141073464/21/2018",
    "0x0614141fffff0638c749d96e1e7f4a68cff7df83550dc3cae21eea3e770509d6"],
  ["urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908",
    "0x0614141fffffef20aafc9aa43e43e4445342d3cf7736b30e620eb1479af58826"],
  ["urn:epc:id:sgln:0614141.12345.400", "https://id.gs1.org/414/0614141123452/254/400",
    "0x0614141fffffec4d34962c73fc2ce3e2ce16ff01e18a1295fa45dca11d51b479"],
  ["urn:epc:id:giai:0614141.A%2FB", "https://id.gs1.org/8004/0614141A%2FB",
    "0x0614141fffff6425db05d4eb0912693de8c22a5ec2d68eb6113c237142897752"],
  ["urn:epc:class:lgtin:4012345.012345.998877", "https://id.gs1.org/01/04012345123456/10/998877",
    "0x4012345fffffb6b4ad1b5d1ca118f8bf34ee6c7e9791594dcc7973171329a4e8"],
  ["urn:epc:id:sgtin:6901234.055555.VIN%2F001", "https://id.gs1.org/01/06901234555554/21/VIN%2F001",
    "0x6901234fffff6476452b7b1ae8b661f96f6c07f1286313db151e80c0d92a9daf"],
  ["urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427", "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    "0x00000000000028386a1357b347f8f95b5c2f1fec2acf9dd9c4dcecaffe12938d"],
];

describe("EPC identifiers", () => {
  test.each(VECTORS)("%s has the canonical Digital Link the library gives", (uri, link) => {
    expect(canonical(uri)).toBe(link);
  });

  test.each(VECTORS)("%s has the item id the library gives", (uri, _link, id) => {
    expect(itemId(uri)).toBe(id);
  });

  test("a Digital Link on any host is the URN's item once its company prefix is known", () => {
    const link = "https://example.com/01/10614141073464/21/2018";
    expect(itemId(link, ["0614141", "061414"])).toBe(VECTORS[0][2]);
  });

  test("a Digital Link under no known prefix gets the prefix-less id", () => {
    expect(itemId("https://example.com/01/10614141073464/21/2018")).toBe(
      "0x0000000000000638c749d96e1e7f4a68cff7df83550dc3cae21eea3e770509d6");
  });

  test("the prefixes to look up on chain are the key's first 6 to 12 digits", () => {
    expect(candidatePrefixes("https://id.gs1.org/01/10614141073464/21/2018")).toEqual(
      ["061414", "0614141", "06141410", "061414107", "0614141073", "06141410734", "061414107346"]);
  });

  test("an EPC URN names its company prefix", () => {
    expect(companyPrefix("urn:epc:id:sgtin:0614141.107346.2018")).toBe("0614141");
  });

  test("a wrong check digit is a problem", () => {
    expect(identifierProblem("https://id.gs1.org/01/10614141073465/21/2018")).toMatch(/wrong check digit/);
  });

  test("a URN that breaks its scheme's grammar is a problem", () => {
    expect(identifierProblem("urn:epc:id:sgtin:0614141.1073467.2018")).toMatch(/grammar for sgtin/);
  });

  test("a verification path round-trips a Digital Link", () => {
    const link = "https://id.gs1.org/01/10614141073464/21/2018";
    expect(identifierFromPath(verifyPath(link))).toBe(link);
  });

  test("a verification path repairs a Digital Link whose double slash was merged", () => {
    expect(identifierFromPath("/verify/https:/id.gs1.org/01/10614141073464/21/2018")).toBe(
      "https://id.gs1.org/01/10614141073464/21/2018");
  });
});
