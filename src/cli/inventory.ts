import type { Command } from "commander";
import { buildInventory } from "../inventory/inventory.js";
import { formatInventoryJson } from "../report/inventory-json.js";
import { formatInventoryTable } from "../report/inventory-table.js";
import {
  addInputOptions,
  emit,
  formatOption,
  type GlobalOptions,
  type InputFlags,
  inventoryOptions,
  pathsOrCwd,
  warn,
} from "./common.js";

interface Flags extends InputFlags {
  format: "table" | "json";
  output?: string;
  summary?: boolean;
}

export function registerInventory(
  program: Command,
  global: () => GlobalOptions,
  setExit: (code: number) => void,
) {
  addInputOptions(
    program
      .command("inventory")
      .description("list every dependency found in lockfiles, manifests, installed trees and SBOMs")
      .argument("[paths...]", "files or directories to read (default: the current directory)")
      .addOption(formatOption(["table", "json"], "table"))
      .option("-o, --output <file>", "write the report to this file (atomically) instead of stdout")
      .option("--summary", "table format: per-file counts only"),
  ).action(async (paths: string[], flags: Flags) => {
    const g = global();
    const inv = await buildInventory(pathsOrCwd(paths, flags), inventoryOptions(flags, g));
    const text = flags.format === "json" ? formatInventoryJson(inv) : formatInventoryTable(inv, flags);
    await emit(text, flags.output);
    for (const w of inv.warnings) warn(g, `warning: ${w.file}: ${w.message}`);
    for (const e of inv.errors) process.stderr.write(`depwarden: ${e.file}: ${e.message}\n`);
    setExit(inv.errors.length ? 2 : 0);
  });
}
