/**
 * Proposal payloads built in the page, byte for byte as the library builds them
 * (`pilotchain/registry.py`: `admit_payload`, `status_payload`): a proposal commits to its
 * payload, and `execute` must supply the same bytes. The admission record's type is the ABI's
 * `NewEntity` tuple (the registry's constructor takes the founders as `NewEntity[]`); the
 * status payload `(uint32 entityId, bytes32 reason)` is declared only in IEntityRegistry's
 * comments, so it is written here as the library writes it.
 */
import { AbiCoder, ParamType, getAddress, id, toUtf8Bytes, zeroPadBytes, ZeroHash } from "ethers";
import { EntityRegistryAbi, EntityRegistryActionKind, EntityRegistryEntityKind } from "../abi/generated";

export interface NewEntity {
  name: string;
  kind: (typeof EntityRegistryEntityKind)[number];
  region: number;
  code: string;
  dossierHash: string;
  dossierURI: string;
  admin: string;
  capabilities: number;
}

/** `IEntityRegistry.NewEntity[]` as the ABI declares it. */
export function newEntityType(): ParamType {
  const constructor = EntityRegistryAbi.find((e) => e.type === "constructor");
  const param = constructor?.inputs.find((i) => i.internalType === "struct IEntityRegistry.NewEntity[]");
  if (!param) throw new Error("the EntityRegistry ABI has no NewEntity[] constructor argument");
  return ParamType.from(param);
}

/** A registration code (1 to 32 ASCII characters) as the contract's bytes32; null when it is not one. */
export function registrationCode(code: string): string | null {
  if (!/^[\x20-\x7e]{1,32}$/.test(code)) return null;
  return zeroPadBytes(toUtf8Bytes(code), 32);
}

/** The payload of an Admit proposal of `entities` (none of them seated on the council). */
export function admitPayload(entities: NewEntity[]): string {
  const records = entities.map((e) => {
    const code = registrationCode(e.code);
    if (code === null) throw new Error(`registration code ${JSON.stringify(e.code)} must be 1 to 32 ASCII characters`);
    return [e.name, EntityRegistryEntityKind.indexOf(e.kind), e.region, code, e.dossierHash, e.dossierURI,
      getAddress(e.admin), e.capabilities, false];
  });
  return AbiCoder.defaultAbiCoder().encode([newEntityType()], [records]);
}

/** The payload of a Suspend, Reinstate or Revoke proposal: the entity and its reason (text is hashed). */
export function statusPayload(entityId: number, reason: string): string {
  return AbiCoder.defaultAbiCoder().encode(["uint32", "bytes32"], [entityId, reason ? id(reason) : ZeroHash]);
}

/** The uint8 the registry's `propose` takes for an ActionKind member. */
export const actionCode = (kind: (typeof EntityRegistryActionKind)[number]) => EntityRegistryActionKind.indexOf(kind);
