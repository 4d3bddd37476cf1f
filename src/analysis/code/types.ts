/**
 * Shared shapes of the package-contents analysis (`depwarden inspect`, `scan --deep`). Analysers turn one file's
 * text into `RawFinding`s; the engine (inspect.ts) adds the file, the snippet, the content hash and the rule's
 * metadata, and applies accepted findings from `.depwarden.yaml`.
 */
import type { Severity } from "../severity.js";
import type { RuleId } from "./rules.js";

export type CodeFindingType = "malicious-code" | "install-script";

/** What an analyser reports for one file. Lines and columns are 1-based. */
export interface RawFinding {
  rule: RuleId;
  line: number;
  column?: number;
  /** Overrides the rule's default severity when the evidence is stronger or weaker (documented per rule). */
  severity?: Severity;
  /**
   * Why this occurrence matters, specific to it (e.g. "exec() runs data decoded by base64.b64decode at line 3").
   * One sentence, no trailing period needed.
   */
  why: string;
  /** The code to show; when absent the engine shows the (trimmed, shortened) source line. */
  snippet?: string;
}

/** One file handed to an analyser. */
export interface SourceFile {
  /** Relative to the inspected root, `/`-separated (for a single inspected file: its base name). */
  path: string;
  text: string;
}

/** A finding as reported, after the engine has completed it. */
export interface CodeFinding {
  type: CodeFindingType;
  rule: RuleId;
  severity: Severity;
  /** Relative to the inspected root, `/`-separated. */
  file: string;
  line: number;
  column?: number;
  snippet: string;
  why: string;
  /** sha256 (hex) of the file's bytes: what an acceptance in `.depwarden.yaml` is tied to. */
  sha256: string;
}
