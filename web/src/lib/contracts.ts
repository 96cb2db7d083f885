/**
 * Typed access to the deployed contracts through ethers (provider, contracts, signers) for the
 * members' pages: addresses and the RPC URL come from the deployment export at run time, the
 * types from the generated ABIs (deployment.ts). The verification page reads through the lighter
 * `ChainReader` (reader.ts).
 */
import { Contract, JsonRpcProvider, type ContractRunner, type InterfaceAbi } from "ethers";
import { ABIS, addressOf, rpcUrl, type ContractName, type Deployment, type ViewArgs, type ViewName, type ViewResult } from "./deployment";

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
    this.chainId = Number(deployment.chainId); // hardhat-deploy writes it as a string
    this.rpc = rpcUrl(deployment);
    this.provider = new JsonRpcProvider(this.rpc, this.chainId, { staticNetwork: true });
    this.registry = new Deployed("EntityRegistry", addressOf(deployment, "EntityRegistry"), this.provider);
    this.provenance = new Deployed("Provenance", addressOf(deployment, "Provenance"), this.provider);
    this.sharing = new Deployed("DataSharing", addressOf(deployment, "DataSharing"), this.provider);
  }
}
