/**
 * The local advisory store: OSV records in SQLite (better-sqlite3), indexed by package as each ecosystem
 * compares names, with the sources they came from. See docs/advisory-store.md.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { InputError } from "../errors.js";
import { TOOL_VERSION } from "../version.js";
import { ensureBundled } from "./bundled.js";
import { decodeStored, type ImportProgress, type ParsedRecord } from "./import.js";
import { nameKey } from "./names.js";
import type { AdvisorySource, DatabaseInfo, OsvRecord, PackageQuery } from "./osv.js";
import { bundledDataDir, resolveStorePath } from "./paths.js";

/** Bumped when the tables change; `migrations[v]` takes a store from version v to v + 1. */
export const SCHEMA_VERSION = 1;
/** `PRAGMA application_id`: marks the file as a depwarden store ("dpwd"). */
const APPLICATION_ID = 0x64707764;

const SCHEMA_V1 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sources (
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  location TEXT NOT NULL,
  snapshot_at TEXT,
  imported_at TEXT NOT NULL,
  advisories INTEGER NOT NULL,
  sha256 TEXT
);
-- modified: the instant as a sortable key (import.ts instantKey); source: sources.name of the stored version;
-- record: the JSON as published, as TEXT, or raw DEFLATE bytes for large records (BLOB affinity keeps both).
CREATE TABLE advisories (
  id TEXT PRIMARY KEY,
  modified TEXT NOT NULL,
  withdrawn TEXT,
  source TEXT NOT NULL,
  record BLOB NOT NULL
);
CREATE INDEX advisories_withdrawn ON advisories (withdrawn);
-- Live (not withdrawn) PyPI and npm records by package, name_key as the ecosystem compares names.
CREATE TABLE affected_packages (
  ecosystem TEXT NOT NULL,
  name_key TEXT NOT NULL,
  advisory_id TEXT NOT NULL,
  PRIMARY KEY (ecosystem, name_key, advisory_id)
) WITHOUT ROWID;
CREATE INDEX affected_packages_advisory ON affected_packages (advisory_id);
CREATE TABLE aliases (
  alias TEXT NOT NULL,
  advisory_id TEXT NOT NULL,
  PRIMARY KEY (alias, advisory_id)
) WITHOUT ROWID;
CREATE INDEX aliases_advisory ON aliases (advisory_id);
-- Every ecosystem a record names (base name: Debian:11 is Debian), for the counts in status.
CREATE TABLE advisory_ecosystems (
  advisory_id TEXT NOT NULL,
  ecosystem TEXT NOT NULL,
  PRIMARY KEY (advisory_id, ecosystem)
) WITHOUT ROWID;
`;

/** Later schema versions add their steps here (index = the version they start from). */
const migrations: Record<number, (db: Database.Database) => void> = {};

export type SourceKind = "bundled" | "file" | "url";
export type PutOutcome = "added" | "updated" | "unchanged";

export interface SourceRow {
  name: string;
  kind: SourceKind;
  location: string;
  snapshotAt: string | null;
  importedAt: string;
  /** Records read from the source when it was imported. */
  advisories: number;
  sha256: string | null;
}

export interface StoreStatus {
  path: string;
  schemaVersion: number;
  advisories: number;
  withdrawn: number;
  /**
   * Advisories naming each ecosystem (`Debian:11` counts as `Debian`; a record may name several): `advisories`
   * live ones, `withdrawn` the others, as in the totals.
   */
  /** Per ecosystem: live and withdrawn records, and when its data was last brought up to date. */
  ecosystems: { ecosystem: string; advisories: number; withdrawn: number; updatedAt: string | null }[];
  sources: (SourceRow & { current: number })[];
  updatedAt: string | null;
  bundledSnapshot: string | null;
}

/** Ecosystems indexed for lookup. */
const LOOKUP_ECOSYSTEMS = new Set(["PyPI", "npm"]);

/** A SQLite failure on the store as a one-line InputError naming the file and what to do. */
export function storeError(path: string, e: unknown): unknown {
  if (e instanceof InputError) return e;
  // A stored record that no longer parses (damaged bytes): the store is corrupt, not depwarden.
  if (e instanceof SyntaxError) {
    return new InputError(
      path,
      "the advisory store is corrupt (a stored record does not parse): delete it (it is rebuilt from the bundled snapshot) or use --db PATH",
    );
  }
  const code = (e as { code?: unknown }).code;
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) return e;
  const what = (detail: string) => new InputError(path, detail);
  if (code === "SQLITE_NOTADB") {
    return what("not a depwarden advisory store (not a SQLite database): delete it or use --db PATH");
  }
  if (code.startsWith("SQLITE_CORRUPT")) {
    return what(
      "the advisory store is corrupt: delete it (it is rebuilt from the bundled snapshot) or use --db PATH",
    );
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return what("the advisory store is busy (another depwarden is writing to it); try again");
  }
  if (code.startsWith("SQLITE_READONLY")) return what("the advisory store is read-only; use --db PATH");
  if (code === "SQLITE_FULL") return what("disk full while writing the advisory store");
  if (code.startsWith("SQLITE_CANTOPEN"))
    return what("cannot open the advisory store (is the path a directory?)");
  if (code.startsWith("SQLITE_IOERR"))
    return what(`I/O error on the advisory store (${(e as Error).message})`);
  return what(`advisory store error: ${(e as Error).message}`);
}

interface Statements {
  getModified: Database.Statement<[string], string>;
  put: Database.Statement<[string, string, string | null, string, string | Uint8Array]>;
  delAffected: Database.Statement<[string]>;
  delAliases: Database.Statement<[string]>;
  delEcosystems: Database.Statement<[string]>;
  addAffected: Database.Statement<[string, string, string]>;
  addAlias: Database.Statement<[string, string]>;
  addEcosystem: Database.Statement<[string, string]>;
  lookupRecords: Database.Statement<[string, string], [string, string | Uint8Array]>;
  getRecord: Database.Statement<[string], string | Uint8Array>;
  putSource: Database.Statement<[string, string, string, string | null, string, number, string | null]>;
}

export class AdvisoryStore implements AdvisorySource {
  readonly path: string;
  readonly db: Database.Database;
  private statements?: Statements;
  /** Parsed records by id: a scan parses each matched record once. */
  private readonly cache = new Map<string, OsvRecord>();

  constructor(db: Database.Database, path: string) {
    this.db = db;
    this.path = path;
  }

  private get st(): Statements {
    if (this.statements) return this.statements;
    const p = <T extends unknown[], R = unknown>(sql: string) => this.db.prepare<T, R>(sql);
    this.statements = {
      getModified: p<[string], string>("SELECT modified FROM advisories WHERE id = ?").pluck(),
      put: p(
        "INSERT OR REPLACE INTO advisories (id, modified, withdrawn, source, record) VALUES (?, ?, ?, ?, ?)",
      ),
      delAffected: p("DELETE FROM affected_packages WHERE advisory_id = ?"),
      delAliases: p("DELETE FROM aliases WHERE advisory_id = ?"),
      delEcosystems: p("DELETE FROM advisory_ecosystems WHERE advisory_id = ?"),
      addAffected: p(
        "INSERT OR IGNORE INTO affected_packages (ecosystem, name_key, advisory_id) VALUES (?, ?, ?)",
      ),
      addAlias: p("INSERT OR IGNORE INTO aliases (alias, advisory_id) VALUES (?, ?)"),
      addEcosystem: p("INSERT OR IGNORE INTO advisory_ecosystems (advisory_id, ecosystem) VALUES (?, ?)"),
      lookupRecords: p<[string, string], [string, string | Uint8Array]>(
        `SELECT a.id, a.record FROM affected_packages p JOIN advisories a ON a.id = p.advisory_id
         WHERE p.ecosystem = ? AND p.name_key = ? ORDER BY p.advisory_id`,
      ).raw(),
      getRecord: p<[string], string | Uint8Array>("SELECT record FROM advisories WHERE id = ?").pluck(),
      putSource: p(
        `INSERT OR REPLACE INTO sources (name, kind, location, snapshot_at, imported_at, advisories, sha256)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
    return this.statements;
  }

  /** Runs `fn` in one IMMEDIATE write transaction: all of it is written, or (on any throw) none of it. */
  writeTransaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (e) {
      this.cache.clear();
      throw storeError(this.path, e);
    }
  }

  /** Stores a record unless the stored one is as new or newer (by instant). Call inside writeTransaction. */
  putRecord(parsed: ParsedRecord, source: string): PutOutcome {
    const { record, modifiedKey, stored } = parsed;
    const st = this.st;
    const existing = st.getModified.get(record.id);
    if (existing !== undefined && existing >= modifiedKey) return "unchanged";
    if (existing !== undefined) {
      st.delAffected.run(record.id);
      st.delAliases.run(record.id);
      st.delEcosystems.run(record.id);
    }
    st.put.run(record.id, modifiedKey, record.withdrawn ?? null, source, stored);
    for (const a of record.affected ?? []) {
      const pkg = a?.package;
      if (!pkg) continue;
      st.addEcosystem.run(record.id, pkg.ecosystem.split(":")[0]!);
      // Only live records are indexed for lookup: a withdrawn one is kept, never matched.
      if (!record.withdrawn && LOOKUP_ECOSYSTEMS.has(pkg.ecosystem)) {
        const key = nameKey(pkg.ecosystem, pkg.name);
        if (key) st.addAffected.run(pkg.ecosystem, key, record.id);
      }
    }
    for (const alias of record.aliases ?? []) {
      if (alias && alias !== record.id) st.addAlias.run(alias, record.id);
    }
    this.cache.delete(record.id);
    return existing === undefined ? "added" : "updated";
  }

  putSource(row: SourceRow): void {
    this.st.putSource.run(
      row.name,
      row.kind,
      row.location,
      row.snapshotAt,
      row.importedAt,
      row.advisories,
      row.sha256,
    );
  }

  /**
   * Records that the store's data for these ecosystems is current as of `at` (an RFC 3339 instant), keeping the
   * later time: a scan judges staleness per ecosystem it scans (bundled PyPI and npm data differ in age).
   */
  markEcosystemsUpdated(ecosystems: Iterable<string>, at: string): void {
    for (const eco of ecosystems) {
      const key = `updated:${eco}`;
      const previous = this.getMeta(key);
      if (!previous || Date.parse(previous) < Date.parse(at)) {
        this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)").run(key, at);
      }
    }
  }

  /**
   * When the data for an ecosystem was last brought up to date, or null when the store has none of it. A store
   * written before these dates were kept: the newest snapshot of the sources its records came from.
   */
  updatedAtFor(ecosystem: string): string | null {
    const marked = this.getMeta(`updated:${ecosystem}`);
    if (marked) return marked;
    try {
      return (
        (this.db
          .prepare<[string], string | null>(
            `SELECT max(s.snapshot_at) FROM advisory_ecosystems e JOIN advisories a ON a.id = e.advisory_id
             JOIN sources s ON s.name = a.source WHERE e.ecosystem = ?`,
          )
          .pluck()
          .get(ecosystem) as string | null) ?? null
      );
    } catch (e) {
      throw storeError(this.path, e);
    }
  }

  getMeta(key: string): string | undefined {
    const v = this.db.prepare<[string], string>("SELECT value FROM meta WHERE key = ?").pluck().get(key);
    return v ?? undefined;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)").run(key, value);
  }

  /** A stored record by id (withdrawn ones included), or undefined. */
  get(id: string): OsvRecord | undefined {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const stored = this.st.getRecord.get(id);
    if (stored === undefined) return undefined;
    const record = decodeStored(stored);
    this.cache.set(id, record);
    return record;
  }

  /** Records whose id is `alias` or that list it among their aliases; withdrawn ones left out unless asked. */
  findByAlias(alias: string, options: { includeWithdrawn?: boolean } = {}): OsvRecord[] {
    const ids = this.db
      .prepare<[string, string], string>(
        "SELECT id FROM advisories WHERE id = ? UNION SELECT advisory_id FROM aliases WHERE alias = ? ORDER BY 1",
      )
      .pluck()
      .all(alias, alias);
    return ids
      .map((id) => this.get(id))
      .filter((r): r is OsvRecord => r !== undefined && (options.includeWithdrawn === true || !r.withdrawn));
  }

  /** For each query, the non-withdrawn records naming the package in its ecosystem (sorted by id). */
  lookupSync(queries: PackageQuery[]): OsvRecord[][] {
    try {
      return this.db.transaction(() => {
        const byPackage = new Map<string, OsvRecord[]>();
        return queries.map((q) => {
          if (!LOOKUP_ECOSYSTEMS.has(q.ecosystem)) return [];
          const key = nameKey(q.ecosystem, q.name);
          const k = `${q.ecosystem}\0${key}`;
          let records = byPackage.get(k);
          if (!records) {
            // One query per package, records included: a scan mostly asks for distinct packages.
            records = this.st.lookupRecords.all(q.ecosystem, key).map(([id, stored]) => {
              let record = this.cache.get(id);
              if (!record) {
                record = decodeStored(stored);
                this.cache.set(id, record);
              }
              return record;
            });
            byPackage.set(k, records);
          }
          return records;
        });
      })();
    } catch (e) {
      throw storeError(this.path, e);
    }
  }

  async lookup(queries: PackageQuery[]): Promise<OsvRecord[][]> {
    return this.lookupSync(queries);
  }

  info(): DatabaseInfo {
    return storeInfo(this);
  }

  sources(): SourceRow[] {
    return this.db
      .prepare<[], Record<string, unknown>>("SELECT * FROM sources ORDER BY imported_at, name")
      .all()
      .map((r) => ({
        name: r.name as string,
        kind: r.kind as SourceKind,
        location: r.location as string,
        snapshotAt: (r.snapshot_at as string | null) ?? null,
        importedAt: r.imported_at as string,
        advisories: r.advisories as number,
        sha256: (r.sha256 as string | null) ?? null,
      }));
  }

  /** Non-withdrawn records stored. */
  countAdvisories(): number {
    return this.db.prepare("SELECT count(*) FROM advisories WHERE withdrawn IS NULL").pluck().get() as number;
  }

  status(): StoreStatus {
    const totals = this.db
      .prepare<[], { total: number; withdrawn: number | null }>(
        "SELECT count(*) AS total, sum(withdrawn IS NOT NULL) AS withdrawn FROM advisories",
      )
      .get()!;
    const ecosystems = this.db
      .prepare<[], { ecosystem: string; advisories: number; withdrawn: number }>(
        `SELECT e.ecosystem, sum(a.withdrawn IS NULL) AS advisories, sum(a.withdrawn IS NOT NULL) AS withdrawn
         FROM advisory_ecosystems e JOIN advisories a ON a.id = e.advisory_id
         GROUP BY e.ecosystem ORDER BY e.ecosystem`,
      )
      .all()
      .map((e) => ({ ...e, updatedAt: this.updatedAtFor(e.ecosystem) }));
    const current = new Map(
      this.db
        .prepare<[], { source: string; n: number }>(
          "SELECT source, count(*) AS n FROM advisories GROUP BY source",
        )
        .all()
        .map((r) => [r.source, r.n]),
    );
    const sources = this.sources().map((s) => ({ ...s, current: current.get(s.name) ?? 0 }));
    return {
      path: this.path,
      schemaVersion: this.db.pragma("user_version", { simple: true }) as number,
      advisories: totals.total - (totals.withdrawn ?? 0),
      withdrawn: totals.withdrawn ?? 0,
      ecosystems,
      sources,
      updatedAt: updatedAtOf(sources),
      bundledSnapshot: this.getMeta("bundled_snapshot") ?? null,
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function updatedAtOf(sources: SourceRow[]): string | null {
  let newest: string | null = null;
  for (const s of sources) if (s.snapshotAt && (!newest || s.snapshotAt > newest)) newest = s.snapshotAt;
  return newest;
}

/**
 * What a scan reports about the store: `source` is `bundled` and/or the locations of imported files and
 * downloads (comma-joined, in import order); `advisories` the non-withdrawn records; `updatedAt` the newest
 * snapshot time over the sources.
 */
export function storeInfo(store: AdvisoryStore): DatabaseInfo {
  const sources = store.sources();
  const names: string[] = [];
  for (const s of sources) {
    const label = s.kind === "bundled" ? "bundled" : s.location;
    if (!names.includes(label)) names.push(label);
  }
  return {
    source: names.length ? names.join(", ") : "none",
    advisories: store.countAdvisories(),
    updatedAt: updatedAtOf(sources),
  };
}

/** How old the store's data is (ms since its newest snapshot), or null when it has none. */
export function storeAge(store: AdvisoryStore, now: Date = new Date()): number | null {
  const updatedAt = store.info().updatedAt;
  return updatedAt ? now.getTime() - Date.parse(updatedAt) : null;
}

export interface OpenStoreOptions {
  /** The store file; default: `--db` (`db`), `$DEPWARDEN_DB`, the user cache directory. */
  path?: string;
  /** The `--db` flag value. */
  db?: string;
  /** Load the bundled snapshot on first use (default true). */
  bundled?: boolean;
  /** Where the bundled `<Ecosystem>/all.zip` files are (default: the package's `data/osv`). */
  bundledDir?: string;
  /** How long to wait for another process's write transaction (default 60 s). */
  busyTimeoutMs?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** Called before the bundled snapshot is (re)loaded. */
  onBundledLoad?: (dir: string) => void;
}

function initSchema(db: Database.Database, path: string): void {
  const app = db.pragma("application_id", { simple: true }) as number;
  const version = db.pragma("user_version", { simple: true }) as number;
  if (app === APPLICATION_ID && version === SCHEMA_VERSION) return; // the usual case: no write lock needed
  db.transaction(() => {
    const app = db.pragma("application_id", { simple: true }) as number;
    const version = db.pragma("user_version", { simple: true }) as number;
    if ((app !== 0 && app !== APPLICATION_ID) || (app === 0 && version !== 0)) {
      throw new InputError(path, "not a depwarden advisory store (another SQLite database): use --db PATH");
    }
    if (version > SCHEMA_VERSION) {
      throw new InputError(
        path,
        `the advisory store has schema version ${version}, newer than this depwarden supports (${SCHEMA_VERSION}): ` +
          "upgrade depwarden, delete the file, or use --db PATH",
      );
    }
    if (version === 0) {
      const tables = db.prepare("SELECT count(*) FROM sqlite_master").pluck().get() as number;
      if (tables > 0) {
        throw new InputError(path, "not a depwarden advisory store (another SQLite database): use --db PATH");
      }
      db.exec(SCHEMA_V1);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      db.prepare("INSERT INTO meta (key, value) VALUES ('created_at', ?), ('created_by', ?)").run(
        new Date().toISOString(),
        `depwarden ${TOOL_VERSION}`,
      );
      return;
    }
    for (let v = version; v < SCHEMA_VERSION; v++) {
      const step = migrations[v];
      if (!step) throw new InputError(path, `cannot migrate the advisory store from schema version ${v}`);
      step(db);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/**
 * Opens (creating when needed) the store, and loads the bundled snapshot into it on first use or when this
 * depwarden ships a different snapshot. Safe with several processes at once (WAL, busy timeout, the load
 * re-checked inside its write transaction).
 */
export function openStore(options: OpenStoreOptions = {}): AdvisoryStore {
  const path = options.path ?? resolveStorePath(options.db);
  try {
    if (statSync(path).isDirectory())
      throw new InputError(path, "is a directory; expected an advisory store file");
  } catch (e) {
    if (e instanceof InputError) throw e;
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw new InputError(
        dirname(path),
        `cannot create the advisory store's directory (${(err as NodeJS.ErrnoException).code})`,
      );
    }
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 60_000 });
    // Whose file it is comes first: another application's database is refused before anything is written.
    initSchema(db, path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    // Imports insert into several large indexes at random places: the default 2 MiB page cache thrashes.
    db.pragma("cache_size = -65536");
    const store = new AdvisoryStore(db, path);
    if (options.bundled !== false) {
      ensureBundled(store, options.bundledDir ?? bundledDataDir(), {
        onProgress: options.onProgress,
        onLoad: options.onBundledLoad,
      });
    }
    return store;
  } catch (e) {
    if (db?.open) db.close();
    throw storeError(path, e);
  }
}

/** Progress on stderr, on one line rewritten in place; only on a terminal. */
export function ttyProgress(
  enabled: boolean,
  stream: NodeJS.WriteStream = process.stderr,
): { update(text: string): void; done(): void } {
  let shown = false;
  let last = 0;
  return {
    update(text: string) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      stream.write(`\r\x1b[K${text}`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
    },
  };
}

export function formatImportProgress(p: ImportProgress): string {
  return `depwarden: importing ${p.source}: ${p.done}${p.total !== undefined ? ` / ${p.total}` : ""} advisories`;
}

/**
 * The store as the commands open it from their flags: `--db PATH`, else `$DEPWARDEN_DB`, else the cache
 * directory; progress of a first-use load on a terminal only, nothing with --quiet.
 */
export function openStoreForCli(flags: { db?: string; quiet?: boolean }): AdvisoryStore {
  const progress = ttyProgress(!flags.quiet && process.stderr.isTTY === true);
  try {
    return openStore({
      db: flags.db,
      onBundledLoad: () => progress.update("depwarden: loading the bundled advisory snapshot…"),
      onProgress: (p) => progress.update(formatImportProgress(p)),
    });
  } finally {
    progress.done();
  }
}
