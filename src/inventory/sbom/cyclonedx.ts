import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const cyclonedxExtractor: FileExtractor = {
  id: "cyclonedx",
  ecosystem: "mixed",
  kind: "sbom",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
