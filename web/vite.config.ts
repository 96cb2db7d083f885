import { defineConfig } from "vitest/config";

// Everything the console loads is in dist/ (no CDN); `pilotchain serve` serves it at `/`.
export default defineConfig({
  build: { target: "es2022", outDir: "dist", emptyOutDir: true, sourcemap: false },
  test: { include: ["test/**/*.test.ts"], environment: "node" },
});
