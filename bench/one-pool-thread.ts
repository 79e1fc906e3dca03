/** Setup shared by the benchmarks that load llama.cpp. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot } from "../fixtures/index.js";

/**
 * node-llama-cpp decodes badly with more than one libuv pool thread (see bin/spark.js); the pool
 * size is read at startup, so the script at `scriptUrl` re-runs itself with it set (and this
 * process exits with the re-run's status). Generated models are kept in the repository's .cache
 * (as in tests), never in ~/.cache.
 */
export function onePoolThread(scriptUrl: string): void {
  if (process.env.UV_THREADPOOL_SIZE !== "1") {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(scriptUrl), ...process.argv.slice(2)], { stdio: "inherit", env: { ...process.env, UV_THREADPOOL_SIZE: "1" } });
    process.exit(r.status ?? 1);
  }
  process.env.SPARK_FIXTURES_DIR ??= path.join(repoRoot(), ".cache", "fixtures");
}
