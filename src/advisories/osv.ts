/**
 * OSV records as published (https://ossf.github.io/osv-schema/). Only the fields depwarden reads are typed
 * strictly; everything else is kept as is, so a stored record can be shown or exported unchanged.
 */

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  /** `ECOSYSTEM`, `SEMVER` or `GIT` (only the first two are used to match package versions). */
  type: string;
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvSeverity {
  /** `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, ... */
  type: string;
  score: string;
}

export interface OsvPackage {
  /** `PyPI`, `npm`, ... as OSV spells them (may carry a `:suffix` in other ecosystems). */
  ecosystem: string;
  name: string;
  purl?: string;
}

export interface OsvAffected {
  package?: OsvPackage;
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvReference {
  type: string;
  url: string;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  /** RFC 3339 timestamp; the newer record wins on import. */
  modified: string;
  published?: string;
  /** Set when the advisory was withdrawn: it is kept but never matched. */
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: OsvReference[];
  credits?: unknown[];
  database_specific?: Record<string, unknown>;
}

/** What a scan reports about the advisory data it used. */
export interface DatabaseInfo {
  /** Where the advisories came from: `bundled`, a file path, a URL, or the OSV API address with `--online`. */
  source: string;
  /** Advisories available (for the store: stored and not withdrawn; online: fetched). */
  advisories: number;
  /** When the data was last brought up to date (RFC 3339), or null when unknown. */
  updatedAt: string | null;
}

/** A package to look up: the name as the inventory has it (PEP 503 for PyPI). */
export interface PackageQuery {
  ecosystem: "PyPI" | "npm";
  name: string;
  version: string;
}

/**
 * Where a scan gets its advisories. The local store and the online OSV API both implement it; the scan then
 * evaluates version ranges itself (src/versions), whatever the source.
 */
export interface AdvisorySource {
  /**
   * For each query (same index), the records whose `affected` entries name that package (name compared as the
   * ecosystem compares names). The store returns every record for the package; the online source the records
   * the API matched to the version. Withdrawn records are never returned.
   */
  lookup(queries: PackageQuery[]): Promise<OsvRecord[][]>;
  info(): DatabaseInfo;
  /** When the data for one ecosystem was last brought up to date (RFC 3339), or null when there is none. */
  updatedAtFor?(ecosystem: string): string | null;
  close?(): void;
}
