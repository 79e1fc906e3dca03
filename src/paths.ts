import os from "node:os";
import path from "node:path";

/** Spark's cache folder: `$XDG_CACHE_HOME/spark`, default `~/.cache/spark`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.length > 0 ? env.XDG_CACHE_HOME : path.join(os.homedir(), ".cache");
  return path.join(base, "spark");
}

/** Spark's state folder (what a person would miss if it were cleared, unlike the cache): `$XDG_STATE_HOME/spark`, default `~/.local/state/spark`. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.length > 0 ? env.XDG_STATE_HOME : path.join(os.homedir(), ".local", "state");
  return path.join(base, "spark");
}

/** Where prompt history is kept, one file per repository. */
export function historyDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateDir(env), "history");
}

/** Spark's user config file: `$XDG_CONFIG_HOME/spark/config.json`, default `~/.config/spark/config.json`. */
export function userConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.length > 0 ? env.XDG_CONFIG_HOME : path.join(os.homedir(), ".config");
  return path.join(base, "spark", "config.json");
}

/** Where downloaded and pulled models live. */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheDir(env), "models");
}

/** Where persisted KV prefix states live. */
export function prefixStatesDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheDir(env), "prefix");
}
