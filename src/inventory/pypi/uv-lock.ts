import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const uvLockExtractor: FileExtractor = {
  id: "uv-lock",
  ecosystem: "PyPI",
  kind: "lockfile",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
