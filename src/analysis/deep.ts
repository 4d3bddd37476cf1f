/**
 * `depwarden scan --deep`: every installed package found under the scanned directories (`node_modules`,
 * `site-packages`, virtual environments) is read and analysed by the package-contents rules, with one shared
 * pool of worker threads, and each code finding becomes a scan `Finding` (`malicious-code` / `install-script`)
 * of that package. Reviewed false positives (`accept` in `.depwarden.yaml`) are applied by the engine; this
 * module reports the accept entries that expired or no longer match. Nothing read is executed or imported.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { InputError } from "../errors.js";
import type { Component, InventoryError } from "../inventory/model.js";
import type { AcceptEntry } from "../policy/config.js";
import { expiryInstant } from "../policy/ignores.js";
import { acceptNames } from "../policy/package-spec.js";
import { plural } from "../words.js";
import type { PackageContents } from "./code/archive.js";
import type { InspectedPackage, InspectFinding, InspectOptions } from "./code/inspect.js";
import type { InstalledPackage } from "./code/installed.js";
import { referenceUrl, ruleById } from "./code/rules.js";
import type { DeepSummary, Finding } from "./finding.js";
import { displayPath } from "./scan.js";

/** A pool of analysis workers, shared by every package of the scan (src/analysis/code/pool.ts). */
export interface SharedPool {
  close(): Promise<void>;
}

/** The engine pieces `--deep` uses; tests replace them with fakes. */
export interface DeepEngine {
  findInstalledPackages(dir: string, options?: { onWarning?: (message: string) => void }): InstalledPackage[];
  installedPackageContents(pkg: InstalledPackage): PackageContents;
  inspectContents(contents: PackageContents, options: InspectOptions): Promise<InspectedPackage>;
  /** undefined: no worker threads available (running from the TypeScript sources): analyse in this thread. */
  createPool(): SharedPool | undefined;
}

export interface DeepOptions {
  /** `accept` entries of the config: reviewed false positives, tied to the file's content. */
  accepts?: AcceptEntry[];
  now?: Date;
  /** Directory display paths are relative to (default: the current directory). */
  cwd?: string;
  /** After each package: how many are done of how many (for a progress line). */
  onProgress?: (done: number, total: number) => void;
  /** Packages read and analysed at once (default 4): keeps the workers busy while the next package is read. */
  concurrency?: number;
  /** An unexpected exception (a bug) while inspecting a package, for `--debug`. */
  onInternalError?: (path: string, e: unknown) => void;
  engine?: DeepEngine;
  /** Inspect only the installed packages this accepts (`review --deep`: the changed ones). Default: all. */
  select?: (pkg: InstalledPackage) => boolean;
}

export interface DeepResult {
  /** Sorted as the engine sorts each package's findings, packages in discovery order. */
  findings: Finding[];
  /** Files not analysed, entries skipped, accept entries expired or stale. */
  warnings: InventoryError[];
  /** Directories or packages that could not be read: the deep scan is incomplete (exit 2). */
  errors: InventoryError[];
  summary: DeepSummary;
  /** purls of the packages inspected (read and analysed). */
  inspected: string[];
}

async function defaultEngine(): Promise<DeepEngine> {
  const [installed, inspect, pool] = await Promise.all([
    import("./code/installed.js"),
    import("./code/inspect.js"),
    import("./code/pool.js"),
  ]);
  return {
    findInstalledPackages: installed.findInstalledPackages,
    installedPackageContents: installed.installedPackageContents,
    inspectContents: inspect.inspectContents,
    createPool: () => pool.AnalysisPool.create(),
  };
}

function errorOf(e: unknown, fallbackFile: string): InventoryError {
  if (e instanceof InputError) {
    const p = e.position;
    const at = p ? `${p.line}${p.column ? `:${p.column}` : ""}: ` : "";
    return {
      file: e.file,
      ...(p ? { line: p.line } : {}),
      ...(p?.column ? { column: p.column } : {}),
      message: `${at}${e.detail}`,
    };
  }
  const err = e as NodeJS.ErrnoException;
  return { file: fallbackFile, message: `cannot inspect: ${err?.code ?? err?.message ?? String(e)}` };
}

export { acceptNames };

/** A code finding of an installed package as a scan finding. */
export function codeFinding(
  pkg: Pick<InstalledPackage, "ecosystem" | "name" | "version" | "purl">,
  packagePath: string,
  f: InspectFinding,
  component: Component | undefined,
): Finding {
  const rule = ruleById(f.rule);
  return {
    type: f.type,
    id: f.rule,
    aliases: [],
    purl: pkg.purl,
    ecosystem: pkg.ecosystem,
    name: pkg.name,
    version: pkg.version,
    severity: f.severity,
    summary: rule?.title ?? f.rule,
    fixedIn: null,
    references: (rule?.references ?? []).map(referenceUrl),
    direct: component?.direct ?? false,
    scopes: component ? [...component.scopes] : [],
    sources: [{ file: packagePath }],
    rule: f.rule,
    location: {
      packagePath,
      file: f.file,
      line: f.line,
      ...(f.column !== undefined ? { column: f.column } : {}),
      snippet: f.snippet,
      sha256: f.sha256,
    },
    why: f.why,
    ...(f.accepted ? { accepted: f.accepted } : {}),
    ...(f.expiredAcceptance ? { expiredAcceptance: f.expiredAcceptance } : {}),
  };
}

/** At most this many skipped entries are named per package; the rest are counted. */
const SKIPPED_NAMED = 3;

/**
 * Inspects every installed package under `dirs` (each found once, however many of the directories contain it).
 * `components` (the inventory) give each package's direct flag and scopes when the same purl is in it.
 */
export async function inspectInstalled(
  dirs: string[],
  components: Component[],
  options: DeepOptions = {},
): Promise<DeepResult> {
  const cwd = options.cwd ?? process.cwd();
  const now = options.now ?? new Date();
  const accepts = options.accepts ?? [];
  const engine = options.engine ?? (await defaultEngine());
  const warnings: InventoryError[] = [];
  const errors: InventoryError[] = [];
  const show = (p: string) => displayPath(p, cwd);

  const packages: InstalledPackage[] = [];
  const seen = new Set<string>();
  if (!dirs.length) {
    warnings.push({
      file: ".",
      message:
        "--deep inspects the installed packages under the scanned directories, and no directory was given",
    });
  }
  for (const dir of dirs) {
    const abs = resolve(cwd, dir);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      continue; // a missing path is already an error of the inventory
    }
    if (!isDir) {
      warnings.push({
        file: show(abs),
        message:
          "--deep inspects the installed packages under a directory; this is a file, nothing was inspected",
      });
      continue;
    }
    let found: InstalledPackage[];
    try {
      found = engine.findInstalledPackages(abs, {
        onWarning: (message) => warnings.push({ file: show(abs), message }),
      });
    } catch (e) {
      if (!(e instanceof InputError)) options.onInternalError?.(abs, e);
      errors.push(errorOf(e, show(abs)));
      continue;
    }
    if (!found.length) {
      // `scan --deep` before `npm ci` / `pip install` would otherwise pass on nothing inspected
      warnings.push({
        file: show(abs),
        message:
          "--deep found no installed packages here (node_modules, site-packages): nothing was inspected",
      });
    }
    for (const pkg of found) {
      if (options.select && !options.select(pkg)) continue;
      const key = `${resolve(pkg.root)}\u0000${pkg.purl}`;
      if (seen.has(key)) continue;
      seen.add(key);
      packages.push(pkg);
    }
  }

  const byPurl = new Map(components.map((c) => [c.purl, c]));
  const results: (InspectedPackage | undefined)[] = new Array(packages.length);
  const summary: DeepSummary = { packages: 0, files: 0, sourceFiles: 0, sourceBytes: 0 };
  const pool = packages.length ? engine.createPool() : undefined;
  let done = 0;
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < packages.length) {
        const i = next++;
        const pkg = packages[i]!;
        try {
          const contents = engine.installedPackageContents(pkg);
          results[i] = await engine.inspectContents(contents, {
            ...(pool ? { pool: pool as InspectOptions["pool"] } : { workers: 0 }),
            accepts,
            now,
          });
        } catch (e) {
          if (!(e instanceof InputError)) options.onInternalError?.(pkg.root, e);
          errors.push(errorOf(e, show(resolve(pkg.root))));
        }
        options.onProgress?.(++done, packages.length);
      }
    };
    const n = Math.max(1, Math.min(options.concurrency ?? 4, packages.length));
    await Promise.all(Array.from({ length: n }, worker));
  } finally {
    await pool?.close();
  }

  const findings: Finding[] = [];
  const inspected: { pkg: InstalledPackage; result: InspectedPackage }[] = [];
  packages.forEach((pkg, i) => {
    const result = results[i];
    if (!result) return;
    inspected.push({ pkg, result });
    summary.packages++;
    summary.files += result.files;
    summary.sourceFiles += result.sourceFiles;
    summary.sourceBytes += result.sourceBytes;
    const packagePath = show(resolve(pkg.root));
    const where = packagePath;
    for (const f of result.findings) findings.push(codeFinding(pkg, packagePath, f, byPurl.get(pkg.purl)));
    for (const e of result.errors) {
      warnings.push({ file: `${where}/${e.file}`, message: `not analysed (${pkg.name}): ${e.message}` });
    }
    if (result.skipped.length) {
      const named = result.skipped.slice(0, SKIPPED_NAMED).map((s) => `${s.path} (${s.reason})`);
      const more = result.skipped.length - named.length;
      warnings.push({
        file: where,
        message: `${pkg.name} ${pkg.version}: ${plural(result.skipped.length, "entry", "entries")} not read: ${named.join(", ")}${more ? `, and ${more} more` : ""}`,
      });
    }
  });
  errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  warnings.push(...acceptWarnings(accepts, inspected, now));
  return { findings, warnings, errors, summary, inspected: inspected.map(({ pkg }) => pkg.purl) };
}

/**
 * Accept entries that expired (their findings gate again) and entries for an inspected package that covered none
 * of its findings (the file changed since it was reviewed, or the rule no longer fires): reviews to redo or clean
 * up. An entry for a package that is not installed here says nothing.
 */
export function acceptWarnings(
  accepts: AcceptEntry[],
  inspected: { pkg: InstalledPackage; result: InspectedPackage }[],
  now: Date,
): InventoryError[] {
  const out: InventoryError[] = [];
  for (const a of accepts) {
    const where = { file: a.source, ...(a.line ? { line: a.line } : {}) };
    const at = a.line ? `${a.line}: ` : "";
    const what = `accept of ${a.rule} for ${a.package}${a.file ? ` (${a.file})` : ""}`;
    const pkgs = inspected.filter(({ pkg }) => acceptNames(a.package, pkg));
    const covered = pkgs.flatMap(({ result }) =>
      result.findings.filter(
        (f) => f.rule === a.rule && f.sha256 === a.sha256 && (a.file === undefined || a.file === f.file),
      ),
    );
    const expired = a.expires !== undefined && expiryInstant(a.expires) < now.getTime();
    if (expired) {
      out.push({
        ...where,
        message: `${at}${what} expired on ${a.expires}: it no longer accepts${covered.length ? " (its finding counts again)" : ""}`,
      });
    } else if (pkgs.length && !covered.length) {
      out.push({
        ...where,
        message: `${at}${what} matches no finding: the file changed since it was reviewed, or the rule no longer fires there; review it again`,
      });
    }
  }
  return out;
}
