import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const pylockExtractor: FileExtractor = {
  id: "pylock",
  ecosystem: "PyPI",
  kind: "lockfile",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
