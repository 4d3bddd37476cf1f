import { readFileSync } from "node:fs";

/** The tool's version, from its own package.json (dist/version.js and src/version.ts both sit one level down). */
export const TOOL_NAME = "depwarden";
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;
