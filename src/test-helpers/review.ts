/** Review changes and findings made by hand, for the review formatter tests. */
import { buildPurl } from "../inventory/normalise.js";
import type { ReviewChange, ReviewFinding } from "../review/model.js";

/** A change of an npm package (or of `extra.ecosystem`), direct, not approved, not inspected. */
export function reviewChange(
  name: string,
  kind: ReviewChange["change"],
  from: string | null,
  to: string | null,
  extra: Partial<ReviewChange> = {},
): ReviewChange {
  const ecosystem = extra.ecosystem ?? "npm";
  return {
    ecosystem,
    name,
    purl: buildPurl(ecosystem, name, to ?? from),
    change: kind,
    from,
    to,
    direct: true,
    via: [],
    needsApproval: false,
    inspected: false,
    ...extra,
  };
}

/** A vulnerability finding (unless `f.type` says otherwise) on a change's head version, its base version for `fixed`. */
export function reviewFinding(
  c: ReviewChange,
  f: Partial<ReviewFinding> & Pick<ReviewFinding, "id" | "severity">,
): ReviewFinding {
  const version = (f.status === "fixed" ? c.from : c.to) ?? "";
  return {
    type: "vulnerability",
    aliases: [],
    purl: buildPurl(c.ecosystem, c.name, version),
    ecosystem: c.ecosystem,
    name: c.name,
    version,
    summary: "",
    fixedIn: null,
    references: [],
    direct: c.direct,
    scopes: ["prod"],
    sources: [],
    status: "introduced",
    blocking: false,
    ...f,
  };
}
