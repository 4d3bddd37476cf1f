import type { Command } from "commander";
import type { ImportProgress, ImportResult, SourceImport } from "../advisories/import.js";
import type { AdvisoryStore, StoreStatus } from "../advisories/store.js";
import type { DownloadProgress } from "../advisories/update.js";
import { UsageError } from "../errors.js";
import { emit, formatOption, type GlobalOptions, warn } from "./common.js";

interface DbFlags {
  db?: string;
}

/** The store module, loaded when a `db` command runs: better-sqlite3 stays out of every other command's start-up. */
let S: typeof import("../advisories/store.js");

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const DB_OPTION_HELP = "advisory store to use (default: $DEPWARDEN_DB, else the user cache directory)";

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function progressText(p: ImportProgress | DownloadProgress): string {
  if (p.phase === "download") {
    return `depwarden: downloading ${p.url}: ${mib(p.received)}${p.total !== undefined ? ` / ${mib(p.total)}` : ""}`;
  }
  return S.formatImportProgress(p);
}

function describeImport(s: SourceImport): string {
  const skipped = s.skipped ? `, ${s.skipped} other files skipped` : "";
  return (
    `${s.location}: ${s.records} advisories read: ${s.added} added, ${s.updated} updated, ` +
    `${s.unchanged} unchanged (the stored copy is as new or newer)${skipped}\n`
  );
}

function reportSkipped(g: GlobalOptions, result: ImportResult): void {
  for (const s of result.skipped) warn(g, `warning: ${s.file}: ${s.message}`);
}

export function registerDb(program: Command, global: () => GlobalOptions, setExit: (code: number) => void) {
  const db = program
    .command("db")
    .description("manage the local advisory store: import, download and inspect OSV advisories")
    .option("--db <path>", DB_OPTION_HELP);
  const withStore = async <T>(flags: DbFlags, fn: (store: AdvisoryStore) => Promise<T> | T): Promise<T> => {
    const g = global();
    S ??= await import("../advisories/store.js");
    const store = S.openStoreForCli({ db: flags.db ?? db.opts<DbFlags>().db, quiet: g.quiet });
    try {
      return await fn(store);
    } catch (e) {
      throw S.storeError(store.path, e);
    } finally {
      store.close();
    }
  };
  const showProgress = async () => {
    S ??= await import("../advisories/store.js");
    const g = global();
    return S.ttyProgress(!g.quiet && process.stderr.isTTY === true);
  };

  db.command("import")
    .description(
      "import OSV advisories: dump zips (all.zip), directories of OSV JSON/YAML files, single files",
    )
    .argument("<paths...>", "zip files, directories or advisory files")
    .option("--db <path>", DB_OPTION_HELP)
    .action(async (paths: string[], flags: DbFlags) => {
      const progress = await showProgress();
      await withStore(flags, async (store) => {
        const { importAdvisories } = await import("../advisories/import.js");
        let result: ImportResult;
        try {
          result = importAdvisories(store, paths, { onProgress: (p) => progress.update(progressText(p)) });
        } finally {
          progress.done();
        }
        reportSkipped(global(), result);
        await emit(result.sources.map(describeImport).join(""), undefined);
      });
      setExit(0);
    });

  db.command("update")
    .description("download the OSV dumps (<source>/<ecosystem>/all.zip) and import them; all or nothing")
    .option(
      "--ecosystem <name>",
      "ecosystem to download, as OSV spells it (repeatable; default: PyPI and npm)",
      collect,
    )
    .option(
      "--source <url>",
      "base URL of the dumps (default: https://osv-vulnerabilities.storage.googleapis.com)",
    )
    .option("--timeout <seconds>", "give up when no data arrives for this long (default: 60)")
    .option("--db <path>", DB_OPTION_HELP)
    .action(async (flags: DbFlags & { ecosystem?: string[]; source?: string; timeout?: string }) => {
      let timeoutMs: number | undefined;
      if (flags.timeout !== undefined) {
        const s = Number(flags.timeout);
        if (!Number.isFinite(s) || s <= 0)
          throw new UsageError(`--timeout: expected seconds, got "${flags.timeout}"`);
        timeoutMs = s * 1000;
      }
      const progress = await showProgress();
      await withStore(flags, async (store) => {
        const { updateAdvisories } = await import("../advisories/update.js");
        let result: Awaited<ReturnType<typeof updateAdvisories>>;
        try {
          result = await updateAdvisories(store, {
            ecosystems: flags.ecosystem,
            source: flags.source,
            timeoutMs,
            onProgress: (p) => progress.update(progressText(p)),
          });
        } finally {
          progress.done();
        }
        reportSkipped(global(), result);
        const lines = result.downloads.map((d) => `downloaded ${d.url} (${mib(d.bytes)})\n`);
        await emit(lines.join("") + result.sources.map(describeImport).join(""), undefined);
      });
      setExit(0);
    });

  db.command("status")
    .description("show what the advisory store holds, where it came from and how old it is")
    .addOption(formatOption(["table", "json"], "table"))
    .option("--db <path>", DB_OPTION_HELP)
    .action(async (flags: DbFlags & { format: "table" | "json" }) => {
      await withStore(flags, async (store) => {
        const status = store.status();
        const now = new Date();
        await emit(
          flags.format === "json" ? formatStatusJson(status, now) : formatStatusTable(status, now),
          undefined,
        );
      });
      setExit(0);
    });

  for (const cmd of db.commands) cmd.exitOverride();
}

function ageDays(updatedAt: string | null, now: Date): number | null {
  return updatedAt ? Math.floor((now.getTime() - Date.parse(updatedAt)) / 86_400_000) : null;
}

export function formatStatusJson(status: StoreStatus, now: Date): string {
  const doc = {
    store: status.path,
    schemaVersion: status.schemaVersion,
    updatedAt: status.updatedAt,
    ageDays: ageDays(status.updatedAt, now),
    advisories: status.advisories,
    withdrawn: status.withdrawn,
    ecosystems: status.ecosystems,
    sources: status.sources.map((s) => ({
      name: s.name,
      kind: s.kind,
      location: s.location,
      snapshotAt: s.snapshotAt,
      importedAt: s.importedAt,
      advisories: s.advisories,
      current: s.current,
      sha256: s.sha256,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => `${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")}\n`)
    .join("");
}

const shortTime = (iso: string | null) => (iso ? `${iso.slice(0, 19)}Z` : "-");

export function formatStatusTable(status: StoreStatus, now: Date): string {
  const days = ageDays(status.updatedAt, now);
  const age = days === null ? "" : ` (${days} ${days === 1 ? "day" : "days"} ago)`;
  let out = table([
    ["store", status.path],
    ["updated", `${shortTime(status.updatedAt)}${age}`],
    ["advisories", `${status.advisories} (and ${status.withdrawn} withdrawn)`],
  ]);
  out += "\n";
  out += table([
    ["ecosystem", "advisories", "withdrawn", "updated"],
    ...status.ecosystems.map((e) => [
      e.ecosystem,
      String(e.advisories),
      String(e.withdrawn),
      e.updatedAt ? `${shortTime(e.updatedAt)} (${ageDays(e.updatedAt, now)} days ago)` : "-",
    ]),
  ]);
  out += "\n";
  out += table([
    ["source", "kind", "snapshot", "imported", "read", "current"],
    ...status.sources.map((s) => [
      s.kind === "bundled" ? `${s.name} (${s.location})` : s.location,
      s.kind,
      shortTime(s.snapshotAt),
      shortTime(s.importedAt),
      String(s.advisories),
      String(s.current),
    ]),
  ]);
  return out;
}
