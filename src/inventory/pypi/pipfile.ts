import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const pipfileExtractor: FileExtractor = {
  id: "pipfile",
  ecosystem: "PyPI",
  kind: "manifest",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
