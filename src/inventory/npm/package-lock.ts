import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const packageLockExtractor: FileExtractor = {
  id: "package-lock",
  ecosystem: "npm",
  kind: "lockfile",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
