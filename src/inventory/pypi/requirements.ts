import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const requirementsExtractor: FileExtractor = {
  id: "requirements",
  ecosystem: "PyPI",
  kind: "lockfile",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
