/** `spark fix --commit`: the applied reply becomes one commit on the current branch. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { forcedReplies, modelFlags, spawnSpark, sparkEnv } from "./cli-harness.js";
import { makeRepo } from "../agent/helpers.js";

const git = (root: string, ...args: string[]): string => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();

describe("spark fix --commit", () => {
  it("commits exactly the edited file on the current branch with a message from the task", async () => {
    const root = makeRepo({ "greet.txt": "hello\n", "other.txt": "x\n" });
    const head = git(root, "rev-parse", "HEAD");
    const env = { ...sparkEnv(forcedReplies("greet.txt\n```\nhello world\n```\n")), GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" };
    const r = await spawnSpark(["fix", "greet.txt", "say hello world", "--commit", ...modelFlags()], root, env);
    expect(r.exitCode).toBe(0);
    expect(readFileSync(path.join(root, "greet.txt"), "utf8")).toBe("hello world\n");
    expect(git(root, "rev-parse", "HEAD~1")).toBe(head);
    expect(git(root, "log", "-1", "--format=%s")).toBe("spark: say hello world");
    expect(git(root, "show", "--name-only", "--format=", "HEAD")).toBe("greet.txt");
    expect(git(root, "status", "--porcelain")).toBe("");
  });
});
