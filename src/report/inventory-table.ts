import type { Component, Inventory } from "../inventory/model.js";

/** A plain-text table per source file: what was found there, with counts. */
export function formatInventoryTable(inv: Inventory, options: { summary?: boolean } = {}): string {
  // A source belongs to the input that produced it: the file itself, or a file inside an installed tree.
  const inputs = new Set(inv.files.map((f) => f.file));
  const inputOf = (file: string): string => {
    for (let i = file.lastIndexOf("/"); !inputs.has(file) && i > 0; i = file.lastIndexOf("/", i - 1)) {
      if (inputs.has(file.slice(0, i))) return file.slice(0, i);
    }
    return file;
  };
  const byFile = new Map<string, { component: Component; where?: string }[]>();
  for (const c of inv.components) {
    for (const s of c.sources) {
      const input = inputOf(s.file);
      const list = byFile.get(input) ?? [];
      const where =
        s.file === input
          ? s.line
            ? `line ${s.line}`
            : ""
          : `${s.file.slice(input.length + 1)}${s.line ? `:${s.line}` : ""}`;
      if (!list.some((x) => x.component === c)) list.push({ component: c, where });
      byFile.set(input, list);
    }
  }
  const lines: string[] = [];
  const direct = inv.components.filter((c) => c.direct).length;
  lines.push(
    `${inv.components.length} components (${direct} direct, ${inv.components.length - direct} transitive) ` +
      `from ${inv.files.length} ${inv.files.length === 1 ? "file" : "files"}` +
      (inv.errors.length ? `, ${inv.errors.length} ${inv.errors.length === 1 ? "error" : "errors"}` : ""),
  );
  for (const f of inv.files) {
    const rows = (byFile.get(f.file) ?? []).sort(
      (a, b) =>
        Number(b.component.direct) - Number(a.component.direct) ||
        a.component.ecosystem.localeCompare(b.component.ecosystem) ||
        a.component.name.localeCompare(b.component.name) ||
        (a.component.version ?? "").localeCompare(b.component.version ?? ""),
    );
    const d = rows.filter((r) => r.component.direct).length;
    lines.push("");
    const head = `${f.file}  [${f.extractor}, ${f.ecosystem}]  `;
    if (f.lockedBy) {
      const notLocked = rows.length ? `; ${rows.length} not locked` : "";
      lines.push(
        `${head}declares ${f.packages} ${f.packages === 1 ? "dependency" : "dependencies"} (versions from ${f.lockedBy.join(", ")}${notLocked})`,
      );
    } else {
      lines.push(`${head}${rows.length} ${rows.length === 1 ? "component" : "components"} (${d} direct)`);
    }
    if (options.summary || rows.length === 0) continue;
    const table = rows.map(({ component: c, where }) => [
      c.name,
      c.version ?? (c.unpinned ? c.unpinned.spec || c.unpinned.kind : "-"),
      c.direct ? "direct" : "transitive",
      c.scopes.join(",") || "-",
      c.unpinned ? `unpinned (${c.unpinned.kind})` : "",
      where ?? "",
    ]);
    // a column with nothing in it (no unpinned entries: NOTE) is left out
    const header = ["NAME", "VERSION", "TYPE", "SCOPES", "NOTE", "WHERE"];
    const keep = header.map((_, i) => table.some((row) => row[i]));
    const pick = (row: string[]) => row.filter((_, i) => keep[i]);
    lines.push(...alignColumns([pick(header), ...table.map(pick)], "  "));
  }
  return `${lines.join("\n")}\n`;
}

export function alignColumns(rows: string[][], indent = ""): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map(
    (r) =>
      indent +
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
  );
}
