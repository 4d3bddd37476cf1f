import type { Ecosystem, ExtractResult } from "./model.js";

export type ExtractorKind = "lockfile" | "manifest" | "installed" | "sbom";

export interface FileInput {
  /** Absolute path on disk. */
  path: string;
  /** The path as shown to the user (relative to the scan root, posix). Use it in sources and errors. */
  file: string;
  /** The file's text: UTF-8 decoded, BOM removed. */
  text: string;
  /** Reads another file (absolute path) as text, with the same decoding and error rules. */
  readText(path: string): Promise<string>;
  /** Turns an absolute path into the form shown to the user. */
  display(path: string): string;
}

export interface DirInput {
  /** Absolute path of the directory. */
  path: string;
  /** Display form of the directory path. */
  file: string;
  display(path: string): string;
}

interface ExtractorBase {
  /** Stable id, shown in `inventory` output: `package-lock`, `poetry-lock`, … */
  id: string;
  /** The ecosystem of what it reads; "mixed" for SBOMs (each package then says its own). */
  ecosystem: Ecosystem | "mixed";
  kind: ExtractorKind;
  /** One line for docs and `--help`. */
  description: string;
}

/** Reads one file. */
export interface FileExtractor extends ExtractorBase {
  /** Whether this extractor handles this file (base name, absolute path); called during directory discovery. */
  matchFile(baseName: string, path: string): boolean;
  extract(input: FileInput): Promise<ExtractResult> | ExtractResult;
}

/** Reads a directory tree (an installed environment). */
export interface DirExtractor extends ExtractorBase {
  /** Whether this directory (base name, absolute path) is one this extractor reads as a whole. */
  matchDir(baseName: string, path: string): boolean;
  extract(input: DirInput): Promise<ExtractResult> | ExtractResult;
}
