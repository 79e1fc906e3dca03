import { execa } from "execa";

/** The installed git's version ("2.39.5"), or undefined when git is missing. */
export async function gitVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await execa("git", ["--version"]);
    return /(\d+\.\d+(?:\.\d+)?)/.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}
