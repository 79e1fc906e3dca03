import path from "node:path";
import { ensureFixtureModels, repoRoot } from "../fixtures/index.js";

/**
 * Vitest global setup: generates the test models once per run (cached under
 * `<repo>/.cache/fixtures`, so nothing is written outside the repository) and tells the
 * workers where they are.
 */
export function setup(): void {
  process.env.SPARK_FIXTURES_DIR ??= path.join(repoRoot(), ".cache", "fixtures");
  ensureFixtureModels();
}
