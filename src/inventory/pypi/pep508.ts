/**
 * PEP 508 dependency specifiers: `name [extras] (specifier | @ url) ; marker`.
 * https://peps.python.org/pep-0508/ — names are letters, digits, `-_.`, starting and ending alphanumeric.
 */

export interface Requirement {
  /** As written (not normalised). */
  name: string;
  extras: string[];
  /** Version specifier as written, whitespace removed (`>=1.0,<2`), "" when none. */
  specifier: string;
  /** Direct reference (`name @ https://…`, `name @ git+https://…`). */
  url?: string;
  /** Environment marker as written, trimmed. */
  marker?: string;
}

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/;

/** Parses one PEP 508 requirement; returns undefined when it is not one (the caller reports where). */
export function parseRequirement(text: string): Requirement | undefined {
  const m = NAME.exec(text);
  if (!m) return undefined;
  const name = m[1]!;
  let rest = text.slice(m[0].length);
  const extras: string[] = [];
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close === -1) return undefined;
    for (const e of rest.slice(1, close).split(",")) {
      const x = e.trim();
      if (x) extras.push(x);
    }
    rest = rest.slice(close + 1).trimStart();
  }
  let marker: string | undefined;
  let url: string | undefined;
  if (rest.startsWith("@")) {
    // A URL may itself contain ';' only in rare cases; PEP 508 requires whitespace before the marker's ';'.
    const body = rest.slice(1).trim();
    const semi = body.search(/\s;/);
    url = (semi === -1 ? body : body.slice(0, semi)).trim();
    if (semi !== -1) marker = body.slice(semi + 2).trim();
    if (!url) return undefined;
    return { name, extras, specifier: "", url, marker: marker || undefined };
  }
  const semi = rest.indexOf(";");
  let spec = semi === -1 ? rest : rest.slice(0, semi);
  if (semi !== -1) marker = rest.slice(semi + 1).trim();
  spec = spec.trim();
  if (spec.startsWith("(") && spec.endsWith(")")) spec = spec.slice(1, -1);
  spec = spec.replace(/\s+/g, "");
  if (spec && !/^(~=|==|!=|<=|>=|<|>|===)/.test(spec)) return undefined;
  return { name, extras, specifier: spec, marker: marker || undefined };
}

/**
 * The exact version a specifier pins, or null: `==1.2.3` and `===1.2.3` pin; `==1.2.*`, ranges and
 * several clauses do not.
 */
export function pinnedVersion(specifier: string): string | null {
  const m = /^(===?)([^,*\s]+)$/.exec(specifier.trim());
  return m ? m[2]! : null;
}
