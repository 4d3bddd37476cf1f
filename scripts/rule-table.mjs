// Rewrites the rule table in README.md from src/analysis/code/rules.ts (run after `npm run build`).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { withRuleTable } from "../dist/analysis/code/rule-table.js";

const readme = new URL("../README.md", import.meta.url);
const next = withRuleTable(readFileSync(readme, "utf8"));
const tmp = new URL("../README.md.tmp", import.meta.url);
writeFileSync(tmp, next);
renameSync(tmp, readme);
