/**
 * EIP-4361 (Sign-In with Ethereum) messages, built exactly as the specification lays them out so
 * the API's parser (and any wallet that displays them) reads the same fields.
 */
import { getAddress } from "ethers";

export interface SiweFields {
  domain: string; // the host (and port) of the page asking
  address: string;
  statement?: string;
  uri: string;
  chainId: number;
  nonce: string;
  issuedAt: Date;
  expirationTime?: Date;
}

export function siweMessage(fields: SiweFields): string {
  if (!/^[A-Za-z0-9]{8,}$/.test(fields.nonce)) throw new Error("a SIWE nonce is at least 8 alphanumeric characters");
  if (fields.statement?.includes("\n")) throw new Error("a SIWE statement is one line");
  const lines = [
    `${fields.domain} wants you to sign in with your Ethereum account:`,
    getAddress(fields.address),
    "",
    ...(fields.statement ? [fields.statement, ""] : []),
    `URI: ${fields.uri}`,
    "Version: 1",
    `Chain ID: ${fields.chainId}`,
    `Nonce: ${fields.nonce}`,
    `Issued At: ${fields.issuedAt.toISOString()}`,
  ];
  if (fields.expirationTime) lines.push(`Expiration Time: ${fields.expirationTime.toISOString()}`);
  return lines.join("\n");
}
