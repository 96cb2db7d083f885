/**
 * Messages and formatting in the reader's language: English or Simplified Chinese, chosen by the
 * reader (kept in localStorage) or from the browser; dates and numbers through Intl in that locale.
 */
import { en, type MessageKey } from "./en";
import { zhCN } from "./zh-CN";

export const LOCALES = { en: "English", "zh-CN": "简体中文" } as const;
export type Locale = keyof typeof LOCALES;
const CATALOGS: Record<Locale, Record<MessageKey, string>> = { en, "zh-CN": zhCN };
const STORAGE_KEY = "pilotchain.locale";

let current: Locale = "en";
const listeners = new Set<() => void>();

/** The locale a reader gets before choosing: zh-CN for any Chinese browser language, else English. */
export function preferredLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    if (/^zh\b/i.test(language)) return "zh-CN";
    if (/^en\b/i.test(language)) return "en";
  }
  return "en";
}

export function initLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  current = saved && saved in LOCALES ? (saved as Locale) : preferredLocale(globalThis.navigator?.languages ?? []);
  return current;
}

export const locale = (): Locale => current;

export function setLocale(next: Locale): void {
  current = next;
  globalThis.localStorage?.setItem(STORAGE_KEY, next);
  listeners.forEach((listener) => listener());
}

export function onLocaleChange(listener: () => void): void {
  listeners.add(listener);
}

/** The message `key` in the current locale with `{name}` placeholders filled. */
export function t(key: MessageKey, params: Record<string, string | number | bigint> = {}, at: Locale = current): string {
  return CATALOGS[at][key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "string" ? value : formatNumber(value, at);
  });
}

/** `t` for a key built at run time from an enum member (`status.Recalled`); the member itself when unknown. */
export function tEnum(prefix: string, member: string, at: Locale = current): string {
  const key = `${prefix}.${member}`;
  return key in CATALOGS[at] ? CATALOGS[at][key as MessageKey] : member;
}

export function formatNumber(value: number | bigint, at: Locale = current): string {
  return new Intl.NumberFormat(at).format(value);
}

export function formatPercent(fraction: number, at: Locale = current): string {
  return new Intl.NumberFormat(at, { style: "percent", maximumFractionDigits: 1 }).format(fraction);
}

/** A date and time in the reader's locale; `timeZone` only for tests (the reader's own by default). */
export function formatDateTime(date: Date | number, at: Locale = current, timeZone?: string): string {
  const value = typeof date === "number" ? new Date(date * 1000) : date;
  return new Intl.DateTimeFormat(at, { dateStyle: "medium", timeStyle: "short", timeZone }).format(value);
}

export function formatDate(date: Date | number, at: Locale = current, timeZone?: string): string {
  const value = typeof date === "number" ? new Date(date * 1000) : date;
  return new Intl.DateTimeFormat(at, { dateStyle: "medium", timeZone }).format(value);
}
