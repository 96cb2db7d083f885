/** The deployment export (`GET /api/v1/deployment`), fetched once per page load, and its read-only chain. */
import { api } from "../lib/api";
import type { Deployment } from "../lib/deployment";
import { ChainReader } from "../lib/reader";

let deployment: Promise<Deployment> | null = null;
let reader: Promise<ChainReader> | null = null;

export function getDeployment(): Promise<Deployment> {
  deployment ??= api<Deployment>("/deployment");
  deployment.catch(() => (deployment = null));
  return deployment;
}

/** The chain for reading only (the verification page): no ethers provider or contract code. */
export function getReader(): Promise<ChainReader> {
  reader ??= getDeployment().then((found) => new ChainReader(found));
  reader.catch(() => (reader = null));
  return reader;
}
