/**
 * Notes for failures Spark swallows on purpose (background warming): silent unless
 * SPARK_DEBUG=1, then one line on stderr.
 */
export function debugNote(topic: string, err: unknown, env: NodeJS.ProcessEnv = process.env): void {
  if (env.SPARK_DEBUG !== "1") return;
  const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
  process.stderr.write(`spark: ${topic}: ${why}\n`);
}
