/**
 * Sign-in without an extension: the member opens its encrypted keystore (Web3 Secret Storage v3,
 * as pilotchain writes it) and unlocks it here with ethers; or uses an injected EIP-1193 wallet.
 * Either signer signs an EIP-4361 message for the API's nonce; the key never leaves the page.
 */
import { BrowserProvider, Wallet, type Eip1193Provider, type Signer } from "ethers";
import { api } from "../lib/api";
import { h, replace } from "../lib/dom";
import { siweMessage } from "../lib/siwe";
import { getChain } from "../app/chain";
import { signIn, type SignedIn } from "../app/session";
import { t } from "../i18n";

declare global {
  interface Window {
    ethereum?: Eip1193Provider;
  }
}

/** Sign in to the API with `signer`: fetch a nonce, sign the SIWE message, trade it for a token. */
export async function siweSignIn(signer: Signer): Promise<SignedIn> {
  const [{ nonce }, chain, address] = await Promise.all([
    api<{ nonce: string }>("/auth/nonce"),
    getChain(),
    signer.getAddress(),
  ]);
  const message = siweMessage({
    domain: location.host, address, statement: t("signin.statement", {}, "en"), uri: location.origin,
    chainId: chain.chainId, nonce, issuedAt: new Date(),
  });
  const signature = await signer.signMessage(message);
  const answer = await api<{ token: string; account: string; entity_id: number; expires: string }>("/auth/siwe", {
    method: "POST", body: JSON.stringify({ message, signature }),
  });
  return { account: answer.account, entityId: answer.entity_id, token: answer.token, expires: answer.expires };
}

export function signinPage(root: HTMLElement, navigate: (path: string) => void): void {
  const status = h("p", { class: "status-line", role: "status", "aria-live": "polite", "data-testid": "signin-status" });
  const file = h("input", { id: "keystore", type: "file", accept: ".json,application/json", required: true });
  const password = h("input", { id: "password", type: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit" }, t("signin.unlock"));

  const finish = async (signer: Signer) => {
    status.textContent = t("signin.signing");
    const signed = await siweSignIn(signer);
    signIn(signed, signer);
    status.textContent = t("signin.done", { account: signed.account, entity: signed.entityId });
    navigate("/directory");
  };

  const form = h("form", {
    class: "card signin",
    onsubmit: async (event: Event) => {
      event.preventDefault();
      const chosen = file.files?.[0];
      if (!chosen) return;
      submit.disabled = true;
      status.className = "status-line";
      status.textContent = t("signin.unlocking");
      let wallet: Wallet;
      try {
        const json = await chosen.text();
        try {
          JSON.parse(json);
        } catch (error) {
          throw new Error(t("signin.badKeystore", { detail: (error as Error).message }));
        }
        wallet = (await Wallet.fromEncryptedJson(json, password.value).catch((error: Error) => {
          throw new Error(/password/i.test(error.message) ? t("signin.badPassword") : t("signin.badKeystore", { detail: error.message }));
        })) as Wallet;
        password.value = "";
        await finish(wallet.connect((await getChain()).provider));
      } catch (error) {
        status.className = "status-line error";
        status.textContent = t("signin.failed", { detail: (error as Error).message });
      } finally {
        submit.disabled = false;
      }
    },
  },
    h("label", { for: "keystore" }, t("signin.keystore")), file,
    h("label", { for: "password" }, t("signin.password")), password,
    submit,
  );

  const injected = window.ethereum
    ? h("button", {
        type: "button",
        onclick: async () => {
          try {
            const provider = new BrowserProvider(window.ethereum!);
            await finish(await provider.getSigner());
          } catch (error) {
            status.className = "status-line error";
            status.textContent = t("signin.failed", { detail: (error as Error).message });
          }
        },
      }, t("signin.injected"))
    : h("p", { class: "hint" }, t("signin.noInjected"));

  replace(root, h("h1", {}, t("signin.title")), h("p", { class: "hint" }, t("signin.keysStay")), form, injected, status);
}
