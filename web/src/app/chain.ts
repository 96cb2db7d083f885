/** The deployment's `Chain` (ethers' provider and contracts) for the members' pages, made once per page load. */
import { Chain } from "../lib/contracts";
import { getDeployment } from "./deployment";

let chain: Promise<Chain> | null = null;

export function getChain(): Promise<Chain> {
  chain ??= getDeployment().then((deployment) => new Chain(deployment));
  chain.catch(() => (chain = null));
  return chain;
}
