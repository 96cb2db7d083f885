/**
 * The item hash chain of IProvenance, recomputed in the browser from the chain's own logs:
 *
 *     eventHash = keccak256(abi.encode(topic0, ...all event arguments in ABI order))
 *     head'     = keccak256(head ‖ eventHash)[:20]          (head starts at 20 zero bytes)
 *
 * The chained events are those whose first argument is `bytes32 indexed itemId` (read from the
 * ABI, as the interface defines them). Mirrors pilotchain/provenance.py's `history`.
 */
import { AbiCoder, concat, dataSlice, EventFragment, Interface, keccak256, type Log, type Result } from "ethers";

/** What folding reads of a log: ethers' `Log` and the verification page's `ChainLog` both have it. */
export type FoldedLog = Pick<Log, "topics" | "data" | "blockNumber" | "index" | "transactionHash">;

export const ZERO_HEAD = "0x" + "00".repeat(20);

export interface ChainedEvent {
  name: string;
  args: Result;
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
  hash: string;
  head: string;
}

/** The chained events of an ABI, by topic0. */
export function chainedEvents(iface: Interface): Map<string, EventFragment> {
  const found = new Map<string, EventFragment>();
  iface.forEachEvent((event) => {
    const first = event.inputs[0];
    if (first && first.name === "itemId" && first.type === "bytes32" && first.indexed) found.set(event.topicHash, event);
  });
  return found;
}

export function eventHash(event: EventFragment, args: Result | readonly unknown[]): string {
  const types = ["bytes32", ...event.inputs.map((input) => input.format("sighash"))];
  return keccak256(AbiCoder.defaultAbiCoder().encode(types, [event.topicHash, ...args]));
}

export function nextHead(head: string, hash: string): string {
  return dataSlice(keccak256(concat([head, hash])), 0, 20);
}

/** Decode `logs` (any order, any events), keep the chained ones and fold them, oldest first. */
export function foldLogs(iface: Interface, logs: readonly FoldedLog[]): ChainedEvent[] {
  const chained = chainedEvents(iface);
  const ordered = [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  let head = ZERO_HEAD;
  const events: ChainedEvent[] = [];
  for (const log of ordered) {
    const fragment = chained.get(log.topics[0]);
    if (!fragment) continue;
    const args = iface.decodeEventLog(fragment, log.data, log.topics);
    const hash = eventHash(fragment, args);
    head = nextHead(head, hash);
    events.push({
      name: fragment.name, args, blockNumber: log.blockNumber, logIndex: log.index,
      transactionHash: log.transactionHash, hash, head,
    });
  }
  return events;
}

export interface ChainCheck {
  match: boolean;
  logsHead: string;
  logsCount: number;
  contractHead: string;
  contractCount: number;
}

/** Do the events rebuilt from logs fold into the head and count the contract keeps? */
export function checkChain(events: readonly ChainedEvent[], contractHead: string, contractCount: number): ChainCheck {
  const logsHead = events.length ? events[events.length - 1].head : ZERO_HEAD;
  return {
    match: logsHead.toLowerCase() === contractHead.toLowerCase() && events.length === contractCount,
    logsHead, logsCount: events.length, contractHead, contractCount,
  };
}
