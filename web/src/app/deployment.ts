/** The deployment export (`GET /api/v1/deployment`), fetched once per page load, and its Chain. */
import { api } from "../lib/api";
import { Chain, type Deployment } from "../lib/contracts";

let chain: Promise<Chain> | null = null;

export function getChain(): Promise<Chain> {
  chain ??= api<Deployment>("/deployment").then((deployment) => new Chain(deployment));
  chain.catch(() => (chain = null));
  return chain;
}
