import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const purlListExtractor: FileExtractor = {
  id: "purls",
  ecosystem: "mixed",
  kind: "sbom",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
