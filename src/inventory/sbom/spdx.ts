import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const spdxExtractor: FileExtractor = {
  id: "spdx",
  ecosystem: "mixed",
  kind: "sbom",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
