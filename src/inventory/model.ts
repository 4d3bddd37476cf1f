/** The names every module shares: see docs/architecture.md. */

export type Ecosystem = "PyPI" | "npm";
export const ECOSYSTEMS: readonly Ecosystem[] = ["PyPI", "npm"];

export const SCOPES = ["prod", "dev", "optional", "peer"] as const;
export type Scope = (typeof SCOPES)[number];

/** Where a component was declared or locked. `line` is 1-based. */
export interface SourceRef {
  file: string;
  line?: number;
}

/** Why a component has no exact version (or where it comes from instead of the registry). */
export type UnpinnedKind = "range" | "vcs" | "url" | "path" | "editable" | "any";

export interface Unpinned {
  kind: UnpinnedKind;
  /** The requirement as written: `>=2,<3`, `git+https://…@v1`, `./libs/x`, `^1.2.0`. */
  spec: string;
}

/** A reference from one package to another, resolved as far as the file allows. */
export interface DependencyRef {
  /** Only for multi-ecosystem inputs (SBOMs); otherwise the depending package's ecosystem. */
  ecosystem?: Ecosystem;
  name: string;
  /** Exact version when the file resolves it; null when it does not. */
  version: string | null;
}

/**
 * What an extractor reports for one package entry in one file. Names are as written;
 * the pipeline normalises them, builds purls and merges entries.
 */
export interface ExtractedPackage {
  /** Set by extractors that read multi-ecosystem inputs (SBOMs, purl lists); others inherit the extractor's. */
  ecosystem?: Ecosystem;
  name: string;
  /** Exact version, or null when the entry is not pinned to one. */
  version: string | null;
  /** true: declared by the project; false: transitive; undefined: the file does not say. */
  direct?: boolean;
  /** undefined when the file does not say (the pipeline then derives scopes from edges). */
  scopes?: Scope[];
  /** Any of: SRI (`sha512-<base64>`), `sha256:<hex>`, `sha256=<hex>`; normalised by the pipeline. */
  hashes?: string[];
  /** 1-based line of the entry in the file. */
  line?: number;
  /**
   * Display path of the file the entry is in, when that is not the input itself (an included requirements
   * file, a package.json inside an installed tree). Use FileInput.display / DirInput.display to make it.
   */
  file?: string;
  dependencies?: DependencyRef[];
  unpinned?: Unpinned;
  /** Where the package is downloaded from, when the file records it (npm `resolved`, a URL requirement). */
  resolved?: string;
  /** The lockfile records that the package has install-time scripts (package-lock `hasInstallScript`). */
  installScript?: boolean;
  /** PEP 508 environment marker, kept as written. */
  markers?: string;
  /** Requested extras (PyPI). */
  extras?: string[];
}

export interface ExtractResult {
  packages: ExtractedPackage[];
  /** Non-fatal remarks about the file (an entry skipped and why). */
  warnings?: string[];
  /**
   * Directories (relative to the file's directory, posix, no trailing slash) of workspace members whose
   * manifests this lockfile already covers, so their manifests are not reported a second time.
   */
  workspaceMembers?: string[];
}

/** One file (or installed tree) in the inventory, after normalisation. */
export interface Component {
  ecosystem: Ecosystem;
  /** PEP 503-normalised for PyPI; as published (scope kept) for npm. */
  name: string;
  version: string | null;
  purl: string;
  direct: boolean;
  scopes: Scope[];
  /** `<alg>:<hex>`, alg lower case (sha1, sha256, sha384, sha512, md5), sorted. */
  hashes: string[];
  sources: SourceRef[];
  /** purls of the components this one depends on, where the files record edges. Sorted. */
  dependencies: string[];
  unpinned?: Unpinned;
  resolved?: string;
  /** The lockfile says the package runs scripts at install (npm `hasInstallScript`). */
  installScript?: boolean;
  markers?: string;
  extras?: string[];
}

export interface InventoryError {
  file: string;
  /** Where in the file, when the parser says (1-based). */
  line?: number;
  column?: number;
  /** `line:column: what was wrong and what was expected` (the position repeated for people reading it). */
  message: string;
}

export interface InventoryFile {
  file: string;
  /** Id of the extractor that read it. */
  extractor: string;
  ecosystem: Ecosystem | "mixed";
  /** Package entries the file holds. */
  packages: number;
  /** For a manifest: the lockfiles that give its dependencies' versions (it then adds only what they lack). */
  lockedBy?: string[];
}

export interface Inventory {
  target: string[];
  components: Component[];
  /** Per input file: which extractor read it and how many packages it gave. */
  files: InventoryFile[];
  errors: InventoryError[];
  warnings: InventoryError[];
}
