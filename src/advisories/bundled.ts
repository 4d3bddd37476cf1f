/**
 * The bundled snapshot: `data/osv/<Ecosystem>/all.zip`, shipped in the package and loaded into the store on
 * first use, and again whenever a depwarden ships a different snapshot (newer `modified` still wins, so data
 * downloaded since is kept).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { abortedError, type ImportProgress, importInTransaction, sha256File } from "./import.js";
import type { AdvisoryStore } from "./store.js";

export interface BundledFile {
  ecosystem: string;
  path: string;
  /** As recorded in `sources`: relative to the package, the same for every install. */
  location: string;
  sha256: string;
}

export interface BundledSnapshot {
  files: BundledFile[];
  /** Which snapshot this is: `<Ecosystem>=<sha256>` for each zip, space-separated. */
  fingerprint: string;
}

/** The bundled zips, in ecosystem order, with their sha256. */
export function bundledSnapshot(dir: string): BundledSnapshot {
  let ecosystems: string[];
  try {
    ecosystems = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "all.zip")))
      .map((d) => d.name)
      .sort();
  } catch {
    ecosystems = [];
  }
  if (!ecosystems.length) {
    throw new InputError(
      dir,
      "the bundled advisory snapshot is missing (no <Ecosystem>/all.zip): reinstall depwarden",
    );
  }
  const files = ecosystems.map((ecosystem) => {
    const path = join(dir, ecosystem, "all.zip");
    return { ecosystem, path, location: `data/osv/${ecosystem}/all.zip`, sha256: sha256File(path) };
  });
  return { files, fingerprint: files.map((f) => `${f.ecosystem}=${f.sha256}`).join(" ") };
}

const META_KEY = "bundled_snapshot";

/**
 * Loads the bundled snapshot unless the store already holds this one. The check is repeated inside the
 * IMMEDIATE transaction, so of two processes starting at once only one loads it. Returns whether it loaded.
 */
export function ensureBundled(
  store: AdvisoryStore,
  dir: string,
  options: { onProgress?: (p: ImportProgress) => void; onLoad?: (dir: string) => void } = {},
): boolean {
  const snapshot = bundledSnapshot(dir);
  if (store.getMeta(META_KEY) === snapshot.fingerprint) return false;
  options.onLoad?.(dir);
  try {
    return store.writeTransaction(() => {
      if (store.getMeta(META_KEY) === snapshot.fingerprint) return false;
      importInTransaction(
        store,
        snapshot.files.map((f) => ({
          path: f.path,
          display: f.path,
          kind: "bundled" as const,
          name: `bundled:${f.ecosystem}`,
          location: f.location,
          sha256: f.sha256,
        })),
        { onProgress: options.onProgress },
      );
      store.setMeta(META_KEY, snapshot.fingerprint);
      return true;
    });
  } catch (e) {
    throw abortedError(e, "loading the bundled snapshot failed: reinstall depwarden");
  }
}
