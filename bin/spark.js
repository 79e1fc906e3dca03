#!/usr/bin/env node
// Launcher (CommonJS on purpose: it runs before any async file I/O, so libuv has not yet
// created its thread pool). node-llama-cpp runs each decode as a pool task; with 4 pool
// threads the decodes hop between cores and collide with llama.cpp's own threads
// (measured 1.2 tok/s at defaults vs 335-445 tok/s with one pool thread, 2 vCPUs).
"use strict";
require("./uv-pool.cjs");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const entry = pathToFileURL(path.join(__dirname, "..", "dist", "src", "cli", "main.js")).href;
import(entry)
  .then((m) => m.main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    process.stderr.write(`spark: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
