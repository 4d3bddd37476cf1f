/** Options and plumbing shared by the commands: flag parsing only, no logic. */
import { statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { type Command, Option } from "commander";
import type { AdvisorySource } from "../advisories/osv.js";
import { UsageError } from "../errors.js";
import type { InventoryOptions } from "../inventory/inventory.js";
import { writeFileAtomic } from "../io.js";

export interface GlobalOptions {
  quiet?: boolean;
  debug?: boolean;
}

export interface InputFlags {
  purls?: string[];
  sbom?: string[];
  installed?: boolean;
  exclude?: string[];
  gitignore?: boolean;
}

/** A repeatable option's values, in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The input flags every command that reads an inventory takes. */
export function addInputOptions(cmd: Command): Command {
  return cmd
    .option("--purls <file>", "read a plain list of purls, one a line (repeatable)", collect)
    .option("--sbom <file>", "read a CycloneDX or SPDX JSON SBOM, whatever its name (repeatable)", collect)
    .option("--installed", "also read installed trees found in directories (node_modules, virtualenvs)")
    .option("--exclude <pattern>", "skip paths matching this gitignore-style pattern (repeatable)", collect)
    .option("--no-gitignore", "do not honour .gitignore files");
}

export function inventoryOptions(flags: InputFlags, global: GlobalOptions): InventoryOptions {
  return {
    purls: flags.purls,
    sboms: flags.sbom,
    includeInstalled: flags.installed,
    exclude: flags.exclude,
    gitignore: flags.gitignore,
    onInternalError: (file, e) => {
      if (global.debug) process.stderr.write(`depwarden: ${file}: ${(e as Error)?.stack ?? e}\n`);
    },
  };
}

/** `--fail-on`: the gate threshold of `scan` and `inspect` (the analysis's FailOn values). */
export function failOnOption(): Option {
  return new Option(
    "--fail-on <severity>",
    "exit 1 when a finding is at or above this severity (default: high)",
  ).choices(["critical", "high", "medium", "low", "none"]);
}

export function formatOption(choices: string[], fallback: string): Option {
  return new Option("-f, --format <format>", "output format").choices(choices).default(fallback);
}

/** Paths to read: the arguments, or the current directory when there are none and no other input. */
export function pathsOrCwd(paths: string[], flags: InputFlags): string[] {
  if (paths.length) return paths;
  return flags.purls?.length || flags.sbom?.length ? [] : ["."];
}

export async function emit(text: string, output: string | undefined): Promise<void> {
  if (output) await writeFileAtomic(output, text);
  else
    await new Promise<void>((resolve, reject) =>
      process.stdout.write(text, (e) => (e ? reject(e) : resolve())),
    );
}

export function warn(global: GlobalOptions, message: string): void {
  if (!global.quiet) process.stderr.write(`depwarden: ${message}\n`);
}

/** The project a path belongs to: a directory's own name, or the directory of a lockfile or manifest. */
export function projectNameOf(path: string): string {
  const abs = resolve(path);
  let isFile = false;
  try {
    isFile = statSync(abs).isFile();
  } catch {
    // a missing path has already been reported by the inventory
  }
  return basename(isFile ? dirname(abs) : abs);
}

/** How old the advisory data may be before `scan` and `review` warn: `--max-advisory-age`, else the config's, else 7 days. */
export async function maxAdvisoryAge(
  flag: string | undefined,
  configured: number | undefined,
): Promise<number> {
  if (flag === undefined) return configured ?? 7 * 86_400_000;
  const { parseDuration } = await import("../policy/config.js");
  const ms = parseDuration(flag);
  if (ms === undefined)
    throw new UsageError(`--max-advisory-age: expected a duration such as 7d, 12h or 2w, got "${flag}"`);
  return ms;
}

/**
 * The advisory source of `scan` and `review`: the OSV API with `--online`, else the local store (filled from the
 * bundled snapshot on first use). `label` names the store in staleness warnings.
 */
export async function openAdvisorySource(
  flags: { online?: boolean; onlineUrl?: string; db?: string },
  global: GlobalOptions,
): Promise<{ source: AdvisorySource; label?: string }> {
  if (flags.online) {
    const { OnlineAdvisorySource } = await import("../advisories/online.js");
    return { source: new OnlineAdvisorySource({ apiBase: flags.onlineUrl }) };
  }
  if (flags.onlineUrl) throw new UsageError("--online-url needs --online");
  const { openStoreForCli } = await import("../advisories/store.js");
  const store = openStoreForCli({ db: flags.db, quiet: global.quiet });
  return { source: store, label: store.path };
}
