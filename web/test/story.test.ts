import { describe, expect, test } from "vitest";
import { encodeBytes32String, Interface, type InterfaceAbi, type Log } from "ethers";
import { ProvenanceAbi } from "../src/abi/generated";
import { foldLogs, checkChain } from "../src/lib/hashchain";
import { certificatesOf, compareStory, openRecallsOf, text32, type ChainStory } from "../src/verify/story";

const iface = new Interface(ProvenanceAbi as unknown as InterfaceAbi);
const ITEM = "0x0614141fffff0638c749d96e1e7f4a68cff7df83550dc3cae21eea3e770509d6";
const LOT = "0x0614141fffff" + "ab".repeat(26);
let block = 0;
const log = (name: string, args: unknown[]) => {
  const { data, topics } = iface.encodeEventLog(name, args);
  return { data, topics, blockNumber: ++block, index: 0, transactionHash: "0x" } as unknown as Log;
};
const reason = (text: string) => encodeBytes32String(text);

describe("what the verification page reads from the item's events", () => {
  test("an item's own recall is open until withdrawn", () => {
    const recalled = foldLogs(iface, [log("Recalled", [ITEM, 7n, reason("brake fault")])]);
    expect(openRecallsOf(ITEM, recalled)).toMatchObject([{ recalledId: ITEM, entity: 7n, reason: "brake fault" }]);
    const withdrawn = foldLogs(iface, [log("Recalled", [ITEM, 7n, reason("x")]), log("RecallWithdrawn", [ITEM, 7n, reason("y")])]);
    expect(openRecallsOf(ITEM, withdrawn)).toEqual([]);
  });

  test("an acknowledged upstream recall is open until released", () => {
    const acknowledged = foldLogs(iface, [log("RecallAcknowledged", [ITEM, LOT, 4n])]);
    expect(openRecallsOf(ITEM, acknowledged)).toMatchObject([{ recalledId: LOT, entity: 4n, reason: null }]);
    const released = foldLogs(iface, [log("RecallAcknowledged", [ITEM, LOT, 4n]), log("RecallReleased", [ITEM, LOT, 4n])]);
    expect(openRecallsOf(ITEM, released)).toEqual([]);
  });

  test("certificates carry their type as text and their expiry", () => {
    const events = foldLogs(iface, [log("Certified", [ITEM, 3n, reason("CCC"), "0x" + "11".repeat(32), 1800000000n])]);
    expect(certificatesOf(events)).toMatchObject([{ inspector: 3n, certType: "CCC", validUntil: 1800000000 }]);
  });

  test("a hashed code stays hex", () => {
    const hashed = "0x" + "ab".repeat(32);
    expect(text32(hashed)).toBe(hashed);
  });

  const chainStory = {
    itemId: ITEM, status: "Recalled", owner: 2n, custodian: 5n, eventCount: 3,
    head: "0x7fd85026c6407a7f479f0599957ff19d1a51a3e9", check: checkChain([], "0x", 0),
  } as unknown as ChainStory;
  const server = { item_id: ITEM, status: "recalled", owner: 2, custodian: 5, event_count: 3,
    head: "0x7FD85026C6407A7F479F0599957FF19D1A51A3E9" };

  test("a server story that agrees with the chain has no differing field", () => {
    expect(compareStory(chainStory, server)).toEqual([]);
  });

  test("a server story that hides the recall differs in status", () => {
    expect(compareStory(chainStory, { ...server, status: "active" })).toEqual(["status"]);
  });

  test("a server story with another custodian and event count names both", () => {
    expect(compareStory(chainStory, { ...server, custodian: 9, event_count: 2 })).toEqual(["custodian", "event_count"]);
  });
});
