import { describe, expect, test } from "vitest";
import { en } from "../src/i18n/en";
import { zhCN } from "../src/i18n/zh-CN";
import { formatDate, formatNumber, preferredLocale, t, tEnum } from "../src/i18n";

describe("messages and formatting", () => {
  test("every English message has a Chinese one", () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });

  test("placeholders are filled, numbers in the locale's digits grouping", () => {
    expect(t("directory.count", { count: 12345 }, "en")).toBe("12,345 entities");
    expect(t("directory.count", { count: 164 }, "zh-CN")).toBe("164 个机构");
  });

  test("a date is written the reader's way", () => {
    const when = new Date("2026-11-30T12:00:00Z");
    expect(formatDate(when, "en", "UTC")).toBe("Nov 30, 2026");
    expect(formatDate(when, "zh-CN", "UTC")).toBe("2026年11月30日");
  });

  test("big numbers are grouped", () => {
    expect(formatNumber(1234567n, "en")).toBe("1,234,567");
  });

  test("an enum member is translated, an unknown one shown as is", () => {
    expect(tEnum("status", "Recalled", "zh-CN")).toBe("已召回");
    expect(tEnum("status", "Sideways", "en")).toBe("Sideways");
  });

  test("a Chinese browser gets Chinese, anything else English", () => {
    expect(preferredLocale(["zh-TW", "en"])).toBe("zh-CN");
    expect(preferredLocale(["fr-FR", "en-GB"])).toBe("en");
    expect(preferredLocale(["fr-FR"])).toBe("en");
  });
});

describe("event names", () => {
  test("every event of the three ABIs has a message", async () => {
    const { DataSharingAbi, ProvenanceAbi } = await import("../src/abi/generated");
    const shown = [...ProvenanceAbi, ...DataSharingAbi].filter((e) => e.type === "event").map((e) => `event.${e.name}`);
    expect(shown.filter((key) => !(key in en))).toEqual([]);
  });
});
