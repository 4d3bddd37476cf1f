import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const pyprojectExtractor: FileExtractor = {
  id: "pyproject",
  ecosystem: "PyPI",
  kind: "manifest",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
