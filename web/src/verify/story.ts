/**
 * What the verification page knows about an item, read from the chain itself: the contract's
 * `verify` view, the item's chained events from the logs (folded into the hash chain and checked
 * against the head the contract keeps), the names of the entities involved (from their
 * `EntityAdmitted` events), certificates and open recalls. Then the server's story is compared
 * with it field by field: the page trusts the server for nothing the chain can prove.
 */
import { getBytes, Interface, toUtf8String, type InterfaceAbi } from "ethers";
import { EntityRegistryAbi, ProvenanceAbi, ProvenanceStatus } from "../abi/generated";
import type { ChainLog, ChainReader } from "../lib/reader";
import { candidatePrefixes, itemId, isItemIdHex, prefixKey } from "../lib/epc";
import { checkChain, foldLogs, type ChainCheck, type ChainedEvent } from "../lib/hashchain";

/** Blocks per eth_getLogs call, as pilotchain.provenance's LOG_CHUNK (nodes cap a log query's range). */
export const LOG_CHUNK = 5000;
const ZERO32 = "0x" + "00".repeat(32);
const provenanceInterface = new Interface(ProvenanceAbi as unknown as InterfaceAbi);
const registryInterface = new Interface(EntityRegistryAbi as unknown as InterfaceAbi);

export type StatusName = (typeof ProvenanceStatus)[number];

export interface Certificate {
  inspector: bigint;
  certType: string;
  certHash: string;
  validUntil: number; // unix seconds, 0 = no expiry
  blockNumber: number;
}

export interface OpenRecall {
  recalledId: string; // the item whose recall flags this one (itself for its own recall)
  entity: bigint; // who recalled it, or who acknowledged it here
  reason: string | null; // the recall's reason when it is this item's own
  blockNumber: number;
}

export interface ChainStory {
  itemId: string;
  known: boolean;
  status: StatusName;
  owner: bigint;
  custodian: bigint;
  pendingCustodian: bigint;
  parent: string | null;
  eventCount: number;
  head: string;
  events: ChainedEvent[];
  check: ChainCheck;
  certificates: Certificate[];
  openRecalls: OpenRecall[];
  names: Map<bigint, string>;
  blockTimes: Map<number, number>;
  block: number;
}

/**
 * The item id of what the reader typed: a 0x id as is; an EPC URN or Digital Link hashed here. A
 * Digital Link does not say where its company prefix ends, so every possible prefix is looked up
 * in the contract's prefix registry (`prefixOwner`) and the longest registered one is used.
 */
export async function resolveItemId(chain: ChainReader, identifier: string): Promise<string> {
  if (isItemIdHex(identifier)) return identifier.toLowerCase();
  const candidates = candidatePrefixes(identifier);
  const owners = await Promise.all(candidates.map((p) => chain.provenance.view("prefixOwner", [`0x${prefixKey(p)}`])));
  return itemId(identifier, candidates.filter((_, i) => owners[i] !== 0n));
}

/** A bytes32 code as pilotchain writes it (`text32`): ASCII up to 32 characters, else a hash. */
export function text32(value: string): string {
  const bytes = getBytes(value);
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  const body = bytes.slice(0, end);
  const printable = body.length > 0 && body.every((b) => b >= 0x20 && b < 0x7f) && bytes.slice(end).every((b) => b === 0);
  return printable ? toUtf8String(body) : value;
}

export function certificatesOf(events: readonly ChainedEvent[]): Certificate[] {
  return events
    .filter((e) => e.name === "Certified")
    .map((e) => ({
      inspector: e.args.inspector as bigint,
      certType: text32(e.args.certType as string),
      certHash: e.args.certHash as string,
      validUntil: Number(e.args.validUntil),
      blockNumber: e.blockNumber,
    }));
}

/**
 * Recalls that flag the item now: its own recall until withdrawn, and each acknowledged recall of
 * something it derives from until that acknowledgement is released.
 */
export function openRecallsOf(itemIdHex: string, events: readonly ChainedEvent[]): OpenRecall[] {
  const open = new Map<string, OpenRecall>();
  for (const e of events) {
    if (e.name === "Recalled") {
      open.set(itemIdHex.toLowerCase(), {
        recalledId: itemIdHex.toLowerCase(), entity: e.args.entityId as bigint,
        reason: text32(e.args.reason as string), blockNumber: e.blockNumber,
      });
    } else if (e.name === "RecallWithdrawn") {
      open.delete(itemIdHex.toLowerCase());
    } else if (e.name === "RecallAcknowledged") {
      const recalled = (e.args.recalledId as string).toLowerCase();
      if (recalled !== itemIdHex.toLowerCase()) {
        open.set(recalled, { recalledId: recalled, entity: e.args.entityId as bigint, reason: null, blockNumber: e.blockNumber });
      }
    } else if (e.name === "RecallReleased") {
      open.delete((e.args.recalledId as string).toLowerCase());
    }
  }
  return [...open.values()];
}

async function logsOf(chain: ChainReader, address: string, topics: (string | string[] | null)[], last: number): Promise<ChainLog[]> {
  const ranges: [number, number][] = [];
  for (let start = 0; start <= last; start += LOG_CHUNK) ranges.push([start, Math.min(start + LOG_CHUNK - 1, last)]);
  const chunks = await Promise.all(
    ranges.map(([fromBlock, toBlock]) => chain.getLogs({ address, topics, fromBlock, toBlock })),
  );
  return chunks.flat();
}

/** Entity names from their `EntityAdmitted` events (names live in logs, not in storage). */
async function entityNames(chain: ChainReader, ids: Iterable<bigint>, last: number): Promise<Map<bigint, string>> {
  const wanted = [...new Set(ids)].filter((id) => id !== 0n);
  const names = new Map<bigint, string>();
  if (!wanted.length) return names;
  const admitted = registryInterface.getEvent("EntityAdmitted")!;
  const topics = [admitted.topicHash, wanted.map((id) => "0x" + id.toString(16).padStart(64, "0"))];
  const logs = await logsOf(chain, chain.registry.address, topics, last);
  for (const log of logs) {
    const args = registryInterface.decodeEventLog(admitted, log.data, log.topics);
    names.set(args.entityId as bigint, args.name as string);
  }
  return names;
}

export async function readChainStory(chain: ChainReader, id: string): Promise<ChainStory> {
  const block = await chain.blockNumber();
  const [verification, logs] = await Promise.all([
    chain.provenance.view("verify", [id as `0x${string}`]),
    logsOf(chain, chain.provenance.address, [null, id], block),
  ]);
  const events = foldLogs(provenanceInterface, logs);
  const check = checkChain(events, verification.head, Number(verification.eventCount));
  const certificates = certificatesOf(events);
  const openRecalls = openRecallsOf(id, events);
  const involved = [
    verification.owner, verification.custodian, verification.pendingCustodian,
    ...certificates.map((c) => c.inspector), ...openRecalls.map((r) => r.entity),
  ];
  const [names, blockTimes] = await Promise.all([
    entityNames(chain, involved, block),
    blockTimesOf(chain, events.map((e) => e.blockNumber)),
  ]);
  return {
    itemId: id,
    known: verification.known,
    status: ProvenanceStatus[Number(verification.status)] ?? "Unknown",
    owner: verification.owner,
    custodian: verification.custodian,
    pendingCustodian: verification.pendingCustodian,
    parent: verification.parent === ZERO32 ? null : verification.parent,
    eventCount: Number(verification.eventCount),
    head: verification.head,
    events, check, certificates, openRecalls, names, blockTimes, block,
  };
}

async function blockTimesOf(chain: ChainReader, blocks: number[]): Promise<Map<number, number>> {
  const distinct = [...new Set(blocks)];
  const found = await Promise.all(distinct.map((n) => chain.blockTimestamp(n)));
  return new Map(found.map((timestamp, i) => [distinct[i], timestamp]));
}

/** The index's account of the item, as `GET /api/v1/items/{epc}/verify` gives it (`index`, with the top-level `item_id`). */
export interface ServerStory {
  item_id: string;
  status: string; // the IProvenance.Status member in any case and spelling ("intransit", "in_transit")
  owner: number | null;
  custodian: number | null;
  event_count: number;
  head: string;
}

/** Names of the fields where the server's story differs from the chain's (empty when they agree). */
export function compareStory(chain: ChainStory, server: ServerStory): string[] {
  const norm = (text: string) => text.replace(/[\s_-]/g, "").toLowerCase();
  const differs: string[] = [];
  if (server.item_id.toLowerCase() !== chain.itemId.toLowerCase()) differs.push("item_id");
  if (norm(server.status) !== norm(chain.status)) differs.push("status");
  if (BigInt(server.owner ?? 0) !== chain.owner) differs.push("owner");
  if (BigInt(server.custodian ?? 0) !== chain.custodian) differs.push("custodian");
  if (server.event_count !== chain.eventCount) differs.push("event_count");
  if (server.head.toLowerCase() !== chain.head.toLowerCase()) differs.push("head");
  return differs;
}
