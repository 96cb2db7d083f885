// Hashes computed with pilotchain.provenance (event_hash, chain_head) for the same events.
import { describe, expect, test } from "vitest";
import { encodeBytes32String, Interface, type InterfaceAbi, type Log } from "ethers";
import { ProvenanceAbi } from "../src/abi/generated";
import { chainedEvents, checkChain, eventHash, foldLogs, ZERO_HEAD } from "../src/lib/hashchain";

const iface = new Interface(ProvenanceAbi as unknown as InterfaceAbi);
const ITEM = "0x0614141fffff0638c749d96e1e7f4a68cff7df83550dc3cae21eea3e770509d6";
const RECALLED = [ITEM, 7n, encodeBytes32String("brake fault")];
const CERTIFIED = [ITEM, 3n, encodeBytes32String("CCC"), "0x" + "11".repeat(32), 1800000000n];
const RECALLED_HASH = "0x5b1f0bb28827e974c6bd518ae4c87b8b1d9c45e5d34ecddeb566b7b89be16312";
const CERTIFIED_HASH = "0xa15e6ca4008900d444fcbda8da352b490b3e3e88d8215ab9eaf028bc5f63e2c3";
const HEAD = "0x7fd85026c6407a7f479f0599957ff19d1a51a3e9";

function log(name: string, args: unknown[], blockNumber: number, index: number): Log {
  const { data, topics } = iface.encodeEventLog(name, args);
  return { data, topics, blockNumber, index, transactionHash: "0x" + "00".repeat(32) } as unknown as Log;
}

describe("the item hash chain", () => {
  test("the chained events are the 22 whose first argument is the indexed item id", () => {
    expect(chainedEvents(iface).size).toBe(22);
  });

  test("an event hashes as the library hashes it", () => {
    expect(eventHash(iface.getEvent("Recalled")!, RECALLED)).toBe(RECALLED_HASH);
    expect(eventHash(iface.getEvent("Certified")!, CERTIFIED)).toBe(CERTIFIED_HASH);
  });

  test("logs fold in block and log order into the library's head", () => {
    const events = foldLogs(iface, [log("Certified", CERTIFIED, 9, 0), log("Recalled", RECALLED, 5, 3)]);
    expect(events.map((e) => e.name)).toEqual(["Recalled", "Certified"]);
    expect(events[1].head).toBe(HEAD);
  });

  test("logs that are not chained events are skipped", () => {
    const other = log("PrefixRegistered", [4n, "0x0614141fffff"], 1, 0);
    expect(foldLogs(iface, [other])).toEqual([]);
  });

  test("the check passes when head and count agree with the contract", () => {
    const events = foldLogs(iface, [log("Recalled", RECALLED, 5, 0), log("Certified", CERTIFIED, 9, 0)]);
    expect(checkChain(events, HEAD, 2).match).toBe(true);
  });

  test("the check fails when an event is missing from the logs", () => {
    const events = foldLogs(iface, [log("Recalled", RECALLED, 5, 0)]);
    expect(checkChain(events, HEAD, 2).match).toBe(false);
  });

  test("an empty chain is the zero head", () => {
    expect(checkChain([], ZERO_HEAD, 0).match).toBe(true);
  });
});
