/** Version ordering per ecosystem (PEP 440, npm semver) and OSV range evaluation. See docs/versions.md. */
export {
  compareVersions,
  sameVersion,
  UnparsableVersionError,
  type VersionOrder,
  versionOrder,
} from "./order.js";
export { type AffectedCheck, checkAffected } from "./ranges.js";
