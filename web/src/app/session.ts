/**
 * Who is signed in: the signer stays in this page's memory (a decrypted keystore wallet or the
 * injected EIP-1193 wallet's signer) and is never stored or sent; the API's bearer token is kept
 * for the tab's lifetime in sessionStorage so a reload keeps the reader signed in to the API.
 */
import type { Signer } from "ethers";
import { setToken } from "../lib/api";

export interface SignedIn {
  account: string;
  entityId: number;
  token: string;
  expires: string;
}

const KEY = "pilotchain.session";
let signer: Signer | null = null;
let current: SignedIn | null = null;
const listeners = new Set<() => void>();

export function restoreSession(): void {
  const saved = globalThis.sessionStorage?.getItem(KEY);
  if (!saved) return;
  const parsed = JSON.parse(saved) as SignedIn;
  if (Date.parse(parsed.expires) > Date.now()) {
    current = parsed;
    setToken(parsed.token);
  }
}

export function signIn(session: SignedIn, by: Signer): void {
  current = session;
  signer = by;
  setToken(session.token);
  sessionStorage.setItem(KEY, JSON.stringify(session));
  listeners.forEach((listener) => listener());
}

export function signOut(): void {
  current = null;
  signer = null;
  setToken(null);
  sessionStorage.removeItem(KEY);
  listeners.forEach((listener) => listener());
}

export const session = () => current;
/** The page's signer, when this tab unlocked one (after a reload the token remains, the key does not). */
export const currentSigner = () => signer;

export function onSessionChange(listener: () => void): void {
  listeners.add(listener);
}
