/**
 * The deployment export (`GET /api/v1/deployment`, the hardhat-deploy shape plus `rpc`) and the
 * types of the deployed contracts' views, from the ABIs generated at build time
 * (src/abi/generated.ts) read through abitype the way wagmi does. ethers decodes every integer as
 * a bigint, so abitype is told the same. Shared by `Chain` (contracts.ts, the members' pages) and
 * `ChainReader` (reader.ts, the verification page), with no ethers code of its own.
 */
import type { Abi, AbiParametersToPrimitiveTypes, ExtractAbiFunction, ExtractAbiFunctionNames } from "abitype";
import { DataSharingAbi, EntityRegistryAbi, ProvenanceAbi } from "../abi/generated";
declare module "abitype" {
  interface Register {
    intType: bigint;
    bigIntType: bigint;
  }
}

export const ABIS = { EntityRegistry: EntityRegistryAbi, Provenance: ProvenanceAbi, DataSharing: DataSharingAbi } as const;
export type ContractName = keyof typeof ABIS;

/** The deployment export as the API serves it. */
export interface Deployment {
  chainId: number | string;
  rpc: string;
  contracts: Record<ContractName, { address: string; abi: unknown[] }>;
}

export type ViewName<A extends Abi> = ExtractAbiFunctionNames<A, "view" | "pure">;
export type ViewArgs<A extends Abi, F extends ViewName<A>> = AbiParametersToPrimitiveTypes<ExtractAbiFunction<A, F>["inputs"]>;
export type ViewResult<A extends Abi, F extends ViewName<A>> =
  AbiParametersToPrimitiveTypes<ExtractAbiFunction<A, F>["outputs"]>[0];

/** The deployment's RPC URL, absolute (a relative one is on the page's origin). */
export function rpcUrl(deployment: Deployment): string {
  return typeof location === "undefined" ? deployment.rpc : new URL(deployment.rpc, location.href).href;
}

export function addressOf(deployment: Deployment, name: ContractName): string {
  const entry = deployment.contracts[name];
  if (!entry) throw new Error(`the deployment export has no ${name}`);
  return entry.address;
}
