import { defineConfig } from "vitest/config";

// Everything the console loads is in dist/ (no CDN); `pilotchain serve` serves it at `/`.
// Each page loaded on demand (src/main.ts) is a chunk named after its source (`governance-page`,
// `provenance-capture`); the manifest maps sources to chunks, so the browser tests can tell which
// chunks a page fetched.
export default defineConfig({
  build: {
    target: "es2022", outDir: "dist", emptyOutDir: true, sourcemap: false, manifest: true,
    rolldownOptions: {
      output: {
        chunkFileNames: ({ facadeModuleId }) => {
          const page = facadeModuleId?.match(/\/src\/(.+)\.ts$/)?.[1];
          return page ? `assets/${page.replaceAll("/", "-")}-[hash].js` : "assets/[name]-[hash].js";
        },
      },
    },
  },
  test: { include: ["test/**/*.test.ts"], environment: "node" },
});
