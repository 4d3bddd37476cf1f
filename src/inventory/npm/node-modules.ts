import type { DirExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const nodeModulesExtractor: DirExtractor = {
  id: "node-modules",
  ecosystem: "npm",
  kind: "installed",
  description: "",
  matchDir: () => false,
  extract: () => ({ packages: [] }),
};
