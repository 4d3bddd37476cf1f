import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const pipfileLockExtractor: FileExtractor = {
  id: "pipfile-lock",
  ecosystem: "PyPI",
  kind: "lockfile",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
