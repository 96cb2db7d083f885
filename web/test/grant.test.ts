// The domain separator below is what DataSharing's _domainSeparator() computes for chain 31337 at
// that address: keccak256(abi.encode(_DOMAIN_TYPEHASH, _NAME_HASH, _VERSION_HASH, chainid, this)),
// computed in Python with eth_abi.
import { describe, expect, test } from "vitest";
import { verifyTypedData, Wallet } from "ethers";
import { domainMatches, grantDomain, grantTypes, purposeCodes, purposeMask } from "../src/sharing/grant";

const CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const DOMAIN_SEPARATOR = "0x5748328cffc453d01921d5ec52c7e48a3f56ea5ee25f89e31e52c97e5d67b689";

describe("EIP-712 grants", () => {
  test("the Grant type has the SignedGrant fields in the ABI's order", () => {
    expect(grantTypes().Grant.map((f) => `${f.type} ${f.name}`)).toEqual([
      "uint256 assetId", "uint32 grantee", "uint64 purposes", "uint40 validFrom", "uint40 validUntil",
      "uint40 holdUntil", "address signer", "uint256 nonce", "uint256 deadline"]);
  });

  test("the domain is the contract's", () => {
    expect(domainMatches(31337, CONTRACT, DOMAIN_SEPARATOR)).toBe(true);
    expect(domainMatches(1, CONTRACT, DOMAIN_SEPARATOR)).toBe(false);
  });

  test("a signature recovers to its signer", async () => {
    const wallet = Wallet.createRandom();
    const grant = { assetId: 1n, grantee: 2n, purposes: purposeMask([1]), validFrom: 0n, validUntil: 2000000000n,
      holdUntil: 0n, signer: wallet.address, nonce: 7n, deadline: 2000000000n };
    const signature = await wallet.signTypedData(grantDomain(31337, CONTRACT), grantTypes(), grant);
    expect(verifyTypedData(grantDomain(31337, CONTRACT), grantTypes(), grant, signature)).toBe(wallet.address);
  });

  test("purposes round-trip through the bitmask", () => {
    expect(purposeCodes(purposeMask([1, 3, 5]))).toEqual([1, 3, 5]);
  });
});
