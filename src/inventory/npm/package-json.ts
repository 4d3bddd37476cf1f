import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const packageJsonExtractor: FileExtractor = {
  id: "package-json",
  ecosystem: "npm",
  kind: "manifest",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
