/** Vitest global setup: builds the fixture models once per run (cached on disk). */
export async function setup(): Promise<void> {
  // Filled in by fixtures/: generates test models into .cache/fixtures.
}
