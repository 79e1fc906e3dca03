/** What recent history says about files: how recently each changed, and which change together. */

/** Recency prior in [0, 1]: 1 for a file of the newest commit, fading over `halfLife` commits. */
export function recencyPrior(commits: readonly string[][], halfLife = 25): Map<string, number> {
  const prior = new Map<string, number>();
  commits.forEach((files, i) => {
    const w = halfLife / (halfLife + i);
    for (const f of files) if (!prior.has(f)) prior.set(f, w);
  });
  return prior;
}

/**
 * Co-change: for each seed file, the share of its commits that also changed each other file
 * (commits with more than `maxFiles` files are ignored: they couple everything). Files that
 * changed once with a seed get a weaker share than those that change with it every time.
 */
export function coChanged(commits: readonly string[][], seeds: ReadonlySet<string>, maxFiles = 20): Map<string, Map<string, number>> {
  const together = new Map<string, Map<string, number>>();
  const seen = new Map<string, number>();
  for (const files of commits) {
    if (files.length > maxFiles) continue;
    for (const s of files) {
      if (!seeds.has(s)) continue;
      seen.set(s, (seen.get(s) ?? 0) + 1);
      let row = together.get(s);
      if (row === undefined) together.set(s, (row = new Map()));
      for (const f of files) if (f !== s) row.set(f, (row.get(f) ?? 0) + 1);
    }
  }
  for (const [s, row] of together) {
    // +1: one shared commit out of one is weaker evidence than three out of three
    const n = (seen.get(s) ?? 1) + 1;
    for (const [f, c] of row) row.set(f, c / n);
  }
  return together;
}
