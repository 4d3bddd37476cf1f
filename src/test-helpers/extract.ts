/** Test helpers for extractors: run one on a fixture file or on text made in the test. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, sep } from "node:path";
import { expect } from "vitest";
import { InputError } from "../errors.js";
import type { DirExtractor, FileExtractor, FileInput } from "../inventory/extractor.js";
import type { ExtractedPackage, ExtractResult } from "../inventory/model.js";
import { readTextFile } from "../inventory/text.js";

function fileInput(path: string, text: string): FileInput {
  const root = dirname(path);
  const display = (p: string) => relative(root, p).split(sep).join("/") || basename(p);
  return { path, file: display(path), text, readText: (p) => readTextFile(p, display(p)), display };
}

/** Runs a file extractor on a file on disk (the display name is the base name). */
export async function extractFile(extractor: FileExtractor, path: string): Promise<ExtractResult> {
  const text = await readTextFile(path, basename(path));
  return extractor.extract(fileInput(path, text));
}

/** Runs a file extractor on text, as if it were a file with this name in an empty directory. */
export async function extractText(
  extractor: FileExtractor,
  fileName: string,
  text: string,
  siblings: Record<string, string> = {},
): Promise<ExtractResult> {
  const dir = mkdtempSync(join(tmpdir(), "depwarden-test-"));
  try {
    for (const [name, content] of Object.entries(siblings)) writeFileSync(join(dir, name), content);
    const path = join(dir, fileName);
    writeFileSync(path, text);
    return await extractor.extract(fileInput(path, text));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a directory extractor on a directory on disk (display paths relative to its parent). */
export async function extractDir(extractor: DirExtractor, path: string): Promise<ExtractResult> {
  const root = dirname(path);
  const display = (p: string) => relative(root, p).split(sep).join("/");
  return extractor.extract({ path, file: display(path), display });
}

/** The InputError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function inputErrorOf(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

/** The InputError an extractor raises on this text (as a file of this name). */
export function extractError(extractor: FileExtractor, fileName: string, text: string): Promise<InputError> {
  return inputErrorOf(extractText(extractor, fileName, text));
}

/** The one package of this name (and version) in a result; fails the test when there is not exactly one. */
export function findPackage(result: ExtractResult, name: string, version?: string): ExtractedPackage {
  const found = result.packages.filter((p) => p.name === name && (!version || p.version === version));
  expect(found, `${name} ${version ?? ""}`).toHaveLength(1);
  return found[0]!;
}

/** The InputError a function throws; fails the test when it returns or throws anything else. */
export function inputErrorOfCall(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}
