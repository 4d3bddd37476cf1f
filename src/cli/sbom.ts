import type { Command } from "commander";
import { buildInventory } from "../inventory/inventory.js";
import { TOOL_VERSION } from "../version.js";
import {
  addInputOptions,
  emit,
  formatOption,
  type GlobalOptions,
  type InputFlags,
  inventoryOptions,
  pathsOrCwd,
  projectNameOf,
  warn,
} from "./common.js";

interface Flags extends InputFlags {
  format: "cyclonedx-json" | "spdx-json";
  output?: string;
  name?: string;
  timestamp?: boolean;
}

export function registerSbom(program: Command, global: () => GlobalOptions, setExit: (code: number) => void) {
  addInputOptions(
    program
      .command("sbom")
      .description("write a software bill of materials (CycloneDX 1.6 or SPDX 2.3 JSON)")
      .argument("[paths...]", "files or directories to read (default: the current directory)")
      .addOption(formatOption(["cyclonedx-json", "spdx-json"], "cyclonedx-json"))
      .option("-o, --output <file>", "write the SBOM to this file (atomically) instead of stdout")
      .option(
        "--name <name>",
        "name of the project the SBOM describes (default: the first path's directory name)",
      )
      .option(
        "--timestamp",
        "record the current time in the SBOM (off by default, so the output is reproducible)",
      ),
  ).action(async (paths: string[], flags: Flags) => {
    const g = global();
    const targets = pathsOrCwd(paths, flags);
    const inv = await buildInventory(targets, inventoryOptions(flags, g));
    for (const w of inv.warnings) warn(g, `warning: ${w.file}: ${w.message}`);
    for (const e of inv.errors) process.stderr.write(`depwarden: ${e.file}: ${e.message}\n`);
    if (inv.errors.length) {
      setExit(2); // an SBOM missing a broken file's packages would look complete: write none
      return;
    }
    const options = {
      toolVersion: TOOL_VERSION,
      projectName: flags.name ?? projectNameOf(targets[0] ?? "."),
      timestamp: flags.timestamp ? new Date() : undefined,
    };
    // The writers (the CycloneDX library above all) load only when an SBOM is written: start-up stays quick.
    const text =
      flags.format === "spdx-json"
        ? (await import("../report/spdx.js")).toSpdxJson(inv, options)
        : (await import("../report/cyclonedx.js")).toCycloneDxJson(inv, options);
    await emit(text.endsWith("\n") ? text : `${text}\n`, flags.output);
    setExit(0);
  });
}
