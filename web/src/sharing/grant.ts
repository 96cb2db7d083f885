/**
 * EIP-712 consent grants, signed in the page. The `Grant` type's fields are the components of
 * `submitSignedGrant`'s `SignedGrant` argument in the ABI; the domain's name and version are
 * constants of DataSharing.sol that no ABI carries, so the domain built here is checked against
 * the contract's own `domainSeparator()` before anything is signed.
 */
import { TypedDataEncoder, type TypedDataField } from "ethers";
import { DataSharingAbi } from "../abi/generated";

export const GRANT_DOMAIN_NAME = "pilotchain DataSharing";
export const GRANT_DOMAIN_VERSION = "1";

export interface SignedGrant {
  assetId: bigint;
  grantee: bigint;
  purposes: bigint;
  validFrom: bigint;
  validUntil: bigint;
  holdUntil: bigint;
  signer: string;
  nonce: bigint;
  deadline: bigint;
}

/** `{Grant: [...]}` from the ABI's SignedGrant struct. */
export function grantTypes(): Record<string, TypedDataField[]> {
  const submit = DataSharingAbi.find((e) => e.type === "function" && e.name === "submitSignedGrant");
  const struct = submit && "inputs" in submit ? submit.inputs[0] : undefined;
  if (!struct || !("components" in struct)) throw new Error("the DataSharing ABI has no submitSignedGrant(SignedGrant,…)");
  return { Grant: struct.components.map((c) => ({ name: c.name, type: c.type })) };
}

export function grantDomain(chainId: number, verifyingContract: string) {
  return { name: GRANT_DOMAIN_NAME, version: GRANT_DOMAIN_VERSION, chainId, verifyingContract };
}

/** True when the domain built here is the one the contract verifies against. */
export function domainMatches(chainId: number, verifyingContract: string, contractSeparator: string): boolean {
  return TypedDataEncoder.hashDomain(grantDomain(chainId, verifyingContract)).toLowerCase() === contractSeparator.toLowerCase();
}

/** The purposes bitmask of purpose codes (bit p = code p). */
export function purposeMask(codes: Iterable<number>): bigint {
  let mask = 0n;
  for (const code of codes) mask |= 1n << BigInt(code);
  return mask;
}

/** The purpose codes in a bitmask. */
export function purposeCodes(mask: bigint | number): number[] {
  const bits = BigInt(mask);
  const codes: number[] = [];
  for (let code = 0; code < 64; code++) if ((bits >> BigInt(code)) & 1n) codes.push(code);
  return codes;
}

/** A fresh random nonce: each signer's nonces are single-use, so any unused number serves. */
export function randomNonce(): bigint {
  const words = crypto.getRandomValues(new Uint32Array(4));
  return words.reduce((n, w) => (n << 32n) | BigInt(w), 0n);
}
