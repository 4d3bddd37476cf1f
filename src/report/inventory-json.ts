import type { Component, Inventory } from "../inventory/model.js";
import { TOOL_NAME, TOOL_VERSION } from "../version.js";

/** The JSON contract of `inventory` (schemaVersion 1); later commands extend it. Keys in a fixed order. */
export function inventoryDocument(inv: Inventory): Record<string, unknown> {
  return {
    schemaVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    target: inv.target,
    files: inv.files,
    components: inv.components.map(componentJson),
    errors: inv.errors,
    warnings: inv.warnings,
  };
}

export function componentJson(c: Component): Record<string, unknown> {
  const out: Record<string, unknown> = {
    purl: c.purl,
    ecosystem: c.ecosystem,
    name: c.name,
    version: c.version,
    direct: c.direct,
    scopes: c.scopes,
    hashes: c.hashes,
    sources: c.sources,
    dependencies: c.dependencies,
  };
  if (c.unpinned) out.unpinned = c.unpinned;
  if (c.resolved) out.resolved = c.resolved;
  if (c.installScript) out.installScript = true;
  if (c.markers) out.markers = c.markers;
  if (c.extras) out.extras = c.extras;
  return out;
}

export function formatInventoryJson(inv: Inventory): string {
  return `${JSON.stringify(inventoryDocument(inv), null, 2)}\n`;
}
