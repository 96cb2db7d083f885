/**
 * Typed access to the deployed contracts: addresses and the RPC URL come from the deployment
 * export at run time (`GET /api/v1/deployment`, the hardhat-deploy shape plus `rpc`), the types
 * from the ABIs generated at build time (src/abi/generated.ts), read through abitype the way
 * wagmi does. ethers decodes every integer as a bigint, so abitype is told the same.
 */
import type { Abi, AbiParametersToPrimitiveTypes, ExtractAbiFunction, ExtractAbiFunctionNames } from "abitype";
import { Contract, JsonRpcProvider, type ContractRunner, type InterfaceAbi } from "ethers";
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

type ViewName<A extends Abi> = ExtractAbiFunctionNames<A, "view" | "pure">;
export type ViewArgs<A extends Abi, F extends ViewName<A>> = AbiParametersToPrimitiveTypes<ExtractAbiFunction<A, F>["inputs"]>;
export type ViewResult<A extends Abi, F extends ViewName<A>> =
  AbiParametersToPrimitiveTypes<ExtractAbiFunction<A, F>["outputs"]>[0];

/** One deployed contract with typed views: `provenance.view("verify", [id])`. */
export class Deployed<N extends ContractName> {
  readonly contract: Contract;
  constructor(
    readonly name: N,
    readonly address: string,
    runner: ContractRunner,
  ) {
    this.contract = new Contract(address, ABIS[name] as unknown as InterfaceAbi, runner);
  }

  async view<F extends ViewName<(typeof ABIS)[N]>>(
    fn: F,
    args: ViewArgs<(typeof ABIS)[N], F>,
  ): Promise<ViewResult<(typeof ABIS)[N], F>> {
    return (await this.contract.getFunction(fn as string).staticCall(...(args as unknown[]))) as ViewResult<
      (typeof ABIS)[N],
      F
    >;
  }
}

/** The chain as the browser sees it: a provider on the deployment's RPC URL and the contracts. */
export class Chain {
  readonly provider: JsonRpcProvider;
  readonly chainId: number;
  readonly rpc: string;
  readonly registry: Deployed<"EntityRegistry">;
  readonly provenance: Deployed<"Provenance">;
  readonly sharing: Deployed<"DataSharing">;

  constructor(readonly deployment: Deployment) {
    // hardhat-deploy writes the chain id as a string; a relative RPC URL is on the page's origin.
    this.chainId = Number(deployment.chainId);
    this.rpc = typeof location === "undefined" ? deployment.rpc : new URL(deployment.rpc, location.href).href;
    this.provider = new JsonRpcProvider(this.rpc, this.chainId, { staticNetwork: true });
    const at = (name: ContractName) => {
      const entry = deployment.contracts[name];
      if (!entry) throw new Error(`the deployment export has no ${name}`);
      return entry.address;
    };
    this.registry = new Deployed("EntityRegistry", at("EntityRegistry"), this.provider);
    this.provenance = new Deployed("Provenance", at("Provenance"), this.provider);
    this.sharing = new Deployed("DataSharing", at("DataSharing"), this.provider);
  }
}
