import { defineConfig } from "vitest/config";

// Forked workers inherit this before their libuv pool starts: decodes stay on one pool thread,
// as under bin/spark.js (see the launcher for the measured reason).
process.env.UV_THREADPOOL_SIZE ??= "1";

export default defineConfig({
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Model-dependent tests load real llama.cpp; two workers match CI's 2 cores.
    pool: "forks",
    maxWorkers: 2,
    globalSetup: ["test/global-setup.ts"],
  },
});
