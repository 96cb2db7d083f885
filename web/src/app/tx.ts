/** Transactions signed in the page by the signed-in member's key and sent to the chain's RPC. */
import type { Contract, ContractTransactionResponse } from "ethers";
import { api } from "../lib/api";
import { getChain } from "./chain";
import { currentSigner } from "./session";
import type { Chain } from "../lib/contracts";
import { t } from "../i18n";

const INDEX_POLL_MS = 250;
const INDEX_WAIT_MS = 20_000;

/** Wait until the API's index has reached `block`, so a page reloaded now shows the change. */
async function indexed(block: number): Promise<void> {
  const deadline = Date.now() + INDEX_WAIT_MS;
  while (Date.now() < deadline) {
    const status = await api<{ indexed_to: number }>("/status/index");
    if (status.indexed_to >= block) return;
    await new Promise((resolve) => setTimeout(resolve, INDEX_POLL_MS));
  }
  throw new Error(t("tx.notIndexed", { block }));
}

/**
 * Call `fn(...args)` on a contract of the deployment with the page's signer, wait until it is
 * mined and indexed, and say so in `status`; true when it went through. Reverts show the
 * decoded error.
 */
export async function send(pick: (chain: Chain) => Contract, fn: string, args: unknown[], status: HTMLElement): Promise<boolean> {
  const signer = currentSigner();
  if (!signer) return false;
  status.className = "status-line";
  status.textContent = t("tx.sending");
  try {
    const contract = pick(await getChain()).connect(signer) as Contract;
    const tx = (await contract.getFunction(fn)(...args)) as ContractTransactionResponse;
    const receipt = await tx.wait();
    status.textContent = t("tx.mined");
    if (receipt) await indexed(receipt.blockNumber);
    return true;
  } catch (error) {
    const failed = error as { revert?: { name: string; args: unknown[] }; shortMessage?: string; message: string };
    const detail = failed.revert ? `${failed.revert.name}(${failed.revert.args.join(", ")})` : failed.shortMessage ?? failed.message;
    status.className = "status-line error";
    status.textContent = t("common.error", { detail });
    return false;
  }
}
