import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const pdmLockExtractor: FileExtractor = {
  id: "pdm-lock",
  ecosystem: "PyPI",
  kind: "lockfile",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
