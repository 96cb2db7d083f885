import { afterEach, describe, expect, test, vi } from "vitest";
import { Interface, type InterfaceAbi } from "ethers";
import { ProvenanceAbi } from "../src/abi/generated";
import type { Deployment } from "../src/lib/deployment";
import { ChainReader, MAX_BATCH, RpcError } from "../src/lib/reader";

const RPC = "http://127.0.0.1:8600/api/v1/rpc";
const PROVENANCE = "0x2a65e19d0ca61151eeb98cff7f687e6e24ce6365";
const DEPLOYMENT: Deployment = {
  chainId: "31337", rpc: RPC, contracts: {
    EntityRegistry: { address: "0xc73bc56d7e21dbc5b754b29cebb6c0321c08f8f0", abi: [] },
    Provenance: { address: PROVENANCE, abi: [] },
    DataSharing: { address: "0x" + "33".repeat(20), abi: [] },
  },
};
const provenance = new Interface(ProvenanceAbi as unknown as InterfaceAbi);

interface Call { id: number; method: string; params: unknown[] }

/** A node on `fetch` that answers each call of a batch with `answer(call)`; returns the batches it was sent. */
function node(answer: (call: Call) => { result?: unknown; error?: { code: number; message: string } }): Call[][] {
  const batches: Call[][] = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    expect(url).toBe(RPC);
    const batch = JSON.parse(init.body as string) as Call[];
    batches.push(batch);
    return new Response(JSON.stringify(batch.map((call) => ({ jsonrpc: "2.0", id: call.id, ...answer(call) }))));
  });
  return batches;
}

afterEach(() => vi.unstubAllGlobals());

describe("the verification page's chain reader", () => {
  test("calls made in one tick go to the node as one batch and each caller gets its own answer", async () => {
    const batches = node((call) => ({ result: call.method === "eth_blockNumber" ? "0x2a" : { timestamp: "0x6553f100" } }));
    const reader = new ChainReader(DEPLOYMENT);
    const [block, time] = await Promise.all([reader.blockNumber(), reader.blockTimestamp(7)]);
    expect([block, time]).toEqual([42, 0x6553f100]);
    expect(batches.map((batch) => batch.map((call) => [call.method, call.params]))).toEqual(
      [[["eth_blockNumber", []], ["eth_getBlockByNumber", ["0x7", false]]]]);
  });

  test("a batch holds at most as many calls as the API's pass-through takes", async () => {
    const batches = node(() => ({ result: "0x1" }));
    const reader = new ChainReader(DEPLOYMENT);
    await Promise.all(Array.from({ length: MAX_BATCH + 1 }, () => reader.blockNumber()));
    expect(batches.map((batch) => batch.length)).toEqual([MAX_BATCH, 1]);
  });

  test("a view is an eth_call of the ABI-encoded call, its answer decoded from the ABI", async () => {
    const key = "0x6912345fffff"; // prefixKey("6912345"), a bytes6
    const batches = node(() => ({ result: provenance.encodeFunctionResult("prefixOwner", [2]) }));
    const owner = await new ChainReader(DEPLOYMENT).provenance.view("prefixOwner", [key as `0x${string}`]);
    expect(owner).toBe(2n);
    expect(batches[0][0].params).toEqual([{ to: PROVENANCE, data: provenance.encodeFunctionData("prefixOwner", [key]) }, "latest"]);
  });

  test("logs come back with numbers for their block and index", async () => {
    const topics = ["0x" + "01".repeat(32)];
    node(() => ({ result: [{ address: PROVENANCE, topics, data: "0x", blockNumber: "0x10", logIndex: "0x3", transactionHash: "0x" + "ee".repeat(32) }] }));
    const logs = await new ChainReader(DEPLOYMENT).getLogs({ address: PROVENANCE, topics: [null, topics[0]], fromBlock: 0, toBlock: 4999 });
    expect(logs).toEqual([{ address: PROVENANCE, topics, data: "0x", blockNumber: 16, index: 3, transactionHash: "0x" + "ee".repeat(32) }]);
  });

  test("an error answer rejects its call with the method and the node's message", async () => {
    node(() => ({ error: { code: -32601, message: "eth_getLogs is not served to browsers" } }));
    const failure = new ChainReader(DEPLOYMENT).getLogs({ address: PROVENANCE, topics: [], fromBlock: 0, toBlock: 1 });
    await expect(failure).rejects.toThrow(RpcError);
    await expect(failure).rejects.toThrow("eth_getLogs: eth_getLogs is not served to browsers");
  });
});
