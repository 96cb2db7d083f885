/**
 * The chain read over plain JSON-RPC for the public verification page: `eth_blockNumber`,
 * `eth_call`, `eth_getLogs` and `eth_getBlockByNumber` over fetch, the calls made in one tick sent
 * as one batch (as ethers' provider does), views encoded and decoded with ethers' Interface and
 * typed from the generated ABIs like `Deployed.view`. A phone that scanned a QR code so loads none
 * of ethers' provider, signer, contract or ENS code; the members' pages use `Chain` (contracts.ts).
 */
import { Interface, type InterfaceAbi } from "ethers";
import { ABIS, addressOf, rpcUrl, type ContractName, type Deployment, type ViewArgs, type ViewName, type ViewResult } from "./deployment";

/** Calls per JSON-RPC batch (the API's pass-through takes up to 100). */
export const MAX_BATCH = 100;

export interface LogFilter {
  address: string;
  topics: (string | string[] | null)[];
  fromBlock: number;
  toBlock: number;
}

/** A log as the page uses it (the fields of ethers' `Log` it reads). */
export interface ChainLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: number;
  index: number;
  transactionHash: string;
}

interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  logIndex: string;
  transactionHash: string;
}

interface RpcAnswer {
  id: number;
  result?: unknown;
  error?: { code: number; message: string };
}

interface Pending {
  id: number;
  method: string;
  params: unknown[];
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

const quantity = (n: number) => `0x${n.toString(16)}`;

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** The deployment's chain, read-only: `reader.provenance.view("verify", [id])`, `reader.getLogs(…)`. */
export class ChainReader {
  readonly chainId: number;
  readonly rpc: string;
  readonly registry: ReadOnlyContract<"EntityRegistry">;
  readonly provenance: ReadOnlyContract<"Provenance">;
  private queue: Pending[] = [];
  private nextId = 1;

  constructor(deployment: Deployment) {
    this.chainId = Number(deployment.chainId);
    this.rpc = rpcUrl(deployment);
    this.registry = new ReadOnlyContract(this, "EntityRegistry", addressOf(deployment, "EntityRegistry"));
    this.provenance = new ReadOnlyContract(this, "Provenance", addressOf(deployment, "Provenance"));
  }

  /** One JSON-RPC call; an error answer rejects with an `RpcError` naming the method. */
  request<T>(method: string, params: unknown[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, method, params, resolve: resolve as (result: unknown) => void, reject });
      if (this.queue.length === 1) setTimeout(() => void this.flush(), 0);
    });
  }

  async blockNumber(): Promise<number> {
    return Number(await this.request<string>("eth_blockNumber", []));
  }

  async getLogs({ address, topics, fromBlock, toBlock }: LogFilter): Promise<ChainLog[]> {
    const logs = await this.request<RpcLog[]>("eth_getLogs",
      [{ address, topics, fromBlock: quantity(fromBlock), toBlock: quantity(toBlock) }]);
    return logs.map((log) => ({
      address: log.address, topics: log.topics, data: log.data, blockNumber: Number(log.blockNumber),
      index: Number(log.logIndex), transactionHash: log.transactionHash,
    }));
  }

  /** A block's timestamp in unix seconds (0 for a block the node does not have). */
  async blockTimestamp(block: number): Promise<number> {
    const found = await this.request<{ timestamp: string } | null>("eth_getBlockByNumber", [quantity(block), false]);
    return found ? Number(found.timestamp) : 0;
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, MAX_BATCH);
    if (this.queue.length) setTimeout(() => void this.flush(), 0);
    try {
      const response = await fetch(this.rpc, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(batch.map(({ id, method, params }) => ({ jsonrpc: "2.0", id, method, params }))),
      });
      if (!response.ok) throw new Error(`${this.rpc} answered HTTP ${response.status}`);
      const body = (await response.json()) as RpcAnswer[] | RpcAnswer;
      const answers = new Map((Array.isArray(body) ? body : [body]).map((answer) => [answer.id, answer]));
      for (const call of batch) {
        const answer = answers.get(call.id);
        if (answer?.error) call.reject(new RpcError(answer.error.code, `${call.method}: ${answer.error.message}`));
        else if (answer && "result" in answer) call.resolve(answer.result);
        else call.reject(new Error(`${this.rpc} sent no answer to ${call.method}`));
      }
    } catch (error) {
      batch.forEach((call) => call.reject(error instanceof Error ? error : new Error(String(error))));
    }
  }
}

/** One deployed contract's views, typed from its ABI. */
export class ReadOnlyContract<N extends ContractName> {
  private readonly iface: Interface;

  constructor(
    private readonly reader: ChainReader,
    readonly name: N,
    readonly address: string,
  ) {
    this.iface = new Interface(ABIS[name] as unknown as InterfaceAbi);
  }

  /** `eth_call` at the latest block; a single output is returned as is, as ethers' `staticCall` does. */
  async view<F extends ViewName<(typeof ABIS)[N]>>(
    fn: F,
    args: ViewArgs<(typeof ABIS)[N], F>,
  ): Promise<ViewResult<(typeof ABIS)[N], F>> {
    const data = this.iface.encodeFunctionData(fn as string, args as unknown[]);
    const answer = await this.reader.request<string>("eth_call", [{ to: this.address, data }, "latest"]);
    const result = this.iface.decodeFunctionResult(fn as string, answer);
    return (result.length === 1 ? result[0] : result) as ViewResult<(typeof ABIS)[N], F>;
  }
}
