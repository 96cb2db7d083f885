#!/usr/bin/env node
// solc-js behind the command line that py-solc-x and Brownie expect from native solc.
//
//   solc --version                          two lines, as native solc prints them
//   solc --standard-json [path flags...]    JSON input on stdin, JSON output on stdout
//
// Path flags (--allow-paths, --base-path, --include-path) are accepted and become the roots
// that imports are resolved against. Loading the wasm compiler costs ~0.7 s, so the version
// string is cached beside the package and `--version` never loads it.
"use strict";

const fs = require("fs");
const path = require("path");

const SOLC_DIR = path.dirname(require.resolve("solc/package.json"));
const SOLC_PACKAGE_VERSION = require("solc/package.json").version;
const VERSION_CACHE = path.join(SOLC_DIR, `.pilotchain-version-${SOLC_PACKAGE_VERSION}`);

function compilerVersion() {
  try {
    return fs.readFileSync(VERSION_CACHE, "utf8").trim();
  } catch (_) {
    const version = require("solc").version();
    try {
      fs.writeFileSync(VERSION_CACHE, version + "\n");
    } catch (_) {
      // a read-only install still works, only slower
    }
    return version;
  }
}

function parseRoots(argv) {
  const roots = [process.cwd()];
  const valued = new Set(["--allow-paths", "--base-path", "--include-path"]);
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    if (!valued.has(flag)) continue;
    const value = inline !== undefined ? inline : argv[++i];
    if (value) roots.push(...value.split(",").filter(Boolean));
  }
  return roots;
}

function importResolver(roots) {
  return (importPath) => {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : roots.map((root) => path.resolve(root, importPath));
    for (const candidate of candidates) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        return { contents: fs.readFileSync(candidate, "utf8") };
      }
    }
    return { error: `File not found: ${importPath} (searched ${roots.join(", ")})` };
  };
}

function readStdin() {
  const chunks = [];
  let buffer = Buffer.alloc(1 << 16);
  for (;;) {
    let read;
    try {
      read = fs.readSync(0, buffer, 0, buffer.length, null);
    } catch (err) {
      if (err.code === "EAGAIN") continue;
      if (err.code === "EOF") break;
      throw err;
    }
    if (read === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, read)));
  }
  return Buffer.concat(chunks).toString("utf8");
}

function main(argv) {
  if (argv.includes("--version")) {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${compilerVersion()}\n`);
    return 0;
  }
  if (argv.includes("--standard-json")) {
    const solc = require("solc");
    const output = solc.compile(readStdin(), { import: importResolver(parseRoots(argv)) });
    // No process.exit(): it would cut the output short at 64 KiB on a pipe.
    process.stdout.write(output.endsWith("\n") ? output : output + "\n");
    return 0;
  }
  process.stderr.write("usage: solc --version | solc --standard-json [--allow-paths P] [--base-path P] [--include-path P]\n");
  return 2;
}

process.exitCode = main(process.argv.slice(2));
