import js from "@eslint/js";
import tseslint from "typescript-eslint";

const inferenceDoor = {
  group: ["**/inference/*", "!**/inference/index.js", "!**/inference/runtime.js"],
  message: "Import src/inference through its door: index.js (or runtime.js, which loads node-llama-cpp).",
};
const modelsDoor = { group: ["**/models/*", "!**/models/index.js"], message: "Import src/models through its door, index.js." };
const doors = [inferenceDoor, modelsDoor];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".cache/**", "coverage/**", ".scratch/**", "bench/out/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-syntax": ["error", { selector: "ExportDefaultDeclaration", message: "Use named exports." }],
    },
  },
  {
    // Each room is entered through its door (`index.ts`; inference also has `runtime.ts`, the part
    // that loads node-llama-cpp), so a room can rearrange its files without touching callers.
    files: ["src/**/*.{ts,tsx}"],
    ignores: ["src/inference/**", "src/models/**"],
    rules: { "no-restricted-imports": ["error", { patterns: doors }] },
  },
  {
    files: ["src/inference/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [modelsDoor] }] },
  },
  {
    // The models room sits below inference: it reads and fetches files, it never runs them.
    files: ["src/models/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group: ["**/inference/**"], message: "src/models sits below src/inference." }] }] },
  },
  {
    files: ["src/agent/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: ["ink", "react"], patterns: [{ group: ["**/tui/**", "**/cli/**"], message: "The agent never imports the TUI or the CLI." }, ...doors] }],
    },
  },
  {
    files: ["bin/**/*.js", "**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { process: "readonly", require: "readonly", console: "readonly", __dirname: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["eslint.config.js", "vitest.config.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
);
