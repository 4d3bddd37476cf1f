import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const poetryLockExtractor: FileExtractor = {
  id: "poetry-lock",
  ecosystem: "PyPI",
  kind: "lockfile",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
