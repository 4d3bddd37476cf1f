import type { FileExtractor } from "../extractor.js";

// Placeholder: replaced by the real extractor.
export const pnpmLockExtractor: FileExtractor = {
  id: "pnpm-lock",
  ecosystem: "npm",
  kind: "lockfile",
  description: "",
  matchFile: () => false,
  extract: () => ({ packages: [] }),
};
