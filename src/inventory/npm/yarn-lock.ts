import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const yarnLockExtractor: FileExtractor = {
  id: "yarn-lock",
  ecosystem: "npm",
  kind: "lockfile",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
