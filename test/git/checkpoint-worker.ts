/** Child process for the multi-process lock test: takes N checkpoints of the repo in argv[2]. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { createCheckpoint } from "../../src/git/index.js";

const [dir = ".", count = "5", tag = "w"] = process.argv.slice(2);
for (let i = 0; i < Number(count); i++) {
  writeFileSync(path.join(dir, `${tag}-${i}.txt`), `${tag} ${i}\n`);
  const cp = await createCheckpoint(dir, { task: `${tag} ${i}`, files: [`${tag}-${i}.txt`] });
  process.stdout.write(`${cp.id}\n`);
}
