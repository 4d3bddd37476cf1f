import type { Command } from "commander";
import type { ScanReport } from "../analysis/finding.js";
import type { FailOn } from "../analysis/scan.js";
import { buildInventory } from "../inventory/inventory.js";
import { TOOL_VERSION } from "../version.js";
import {
  addInputOptions,
  emit,
  failOnOption,
  formatOption,
  type GlobalOptions,
  type InputFlags,
  inventoryOptions,
  maxAdvisoryAge,
  openAdvisorySource,
  pathsOrCwd,
  projectNameOf,
  warn,
} from "./common.js";

type ScanFormat = "table" | "json" | "sarif" | "markdown" | "cyclonedx-json";

interface Flags extends InputFlags {
  format: ScanFormat;
  output?: string;
  failOn?: FailOn;
  db?: string;
  online?: boolean;
  onlineUrl?: string;
  config?: string;
  maxAdvisoryAge?: string;
  name?: string;
  color?: boolean;
  deep?: boolean;
  typosquat?: boolean;
}

/**
 * `inspecting installed packages: 120/850` on stderr, rewritten in place: only on a terminal, not with
 * --quiet, and only for trees big enough to take a while. Never part of the report.
 */
function progressLine(g: GlobalOptions): { update: (done: number, total: number) => void; end: () => void } {
  const enabled = process.stderr.isTTY === true && !g.quiet;
  let shown = false;
  let last = 0;
  return {
    update(done, total) {
      if (!enabled || total < 50) return;
      const t = Date.now();
      if (done < total && t - last < 100) return;
      last = t;
      shown = true;
      process.stderr.write(`\r\x1b[Kdepwarden: inspecting installed packages: ${done}/${total}`);
    },
    end() {
      if (shown) process.stderr.write("\r\x1b[K");
      shown = false;
    },
  };
}

export function registerScan(program: Command, global: () => GlobalOptions, setExit: (code: number) => void) {
  addInputOptions(
    program
      .command("scan")
      .description(
        "find known vulnerabilities, malicious packages and typosquats among the dependencies; with --deep, malicious code in installed packages",
      )
      .argument("[paths...]", "files or directories to read (default: the current directory)")
      .addOption(formatOption(["table", "json", "sarif", "markdown", "cyclonedx-json"], "table"))
      .option("-o, --output <file>", "write the report to this file (atomically) instead of stdout")
      .addOption(failOnOption())
      .option("--db <path>", "advisory store to use (default: $DEPWARDEN_DB, else the user cache directory)")
      .option("--online", "query the OSV API instead of the local store (sends package names and versions)")
      .option("--online-url <url>", "OSV API base URL for --online (default: https://api.osv.dev)")
      .option("--config <file>", "project file with ignores and settings (default: nearest .depwarden.yaml)")
      .option("--max-advisory-age <age>", "warn when the advisory data is older than this (default: 7d)")
      .option("--name <name>", "cyclonedx-json: name of the project the BOM describes")
      .option(
        "--deep",
        "also analyse the code of every installed package under the scanned directories (node_modules, site-packages)",
      )
      .option("--no-typosquat", "do not check package names for typosquats of popular packages")
      .option("--no-color", "no colours in the table, even on a terminal"),
  ).action(async (paths: string[], flags: Flags) => {
    const g = global();
    const targets = pathsOrCwd(paths, flags);
    // Loaded here, not at start-up: the matching code (version orderings, CVSS) only when a scan runs.
    const { loadProjectConfig } = await import("../policy/config.js");
    const { scanExitCode, scanInventory } = await import("../analysis/scan.js");
    const config = loadProjectConfig(targets, flags.config);
    const failOn: FailOn = flags.failOn ?? (config.failOn as FailOn | undefined) ?? "high";
    const maxAge = await maxAdvisoryAge(flags.maxAdvisoryAge, config.maxAdvisoryAgeMs);
    const inv = await buildInventory(targets, inventoryOptions(flags, g));
    const { source, label } = await openAdvisorySource(flags, g);
    const progress = progressLine(g);
    let report: ScanReport;
    try {
      report = await scanInventory(inv, source, {
        failOn,
        ignores: config.source,
        maxAdvisoryAgeMs: flags.online ? undefined : maxAge,
        databaseLabel: label,
        typosquat:
          flags.typosquat === false ? false : { allow: config.typosquatAllow, popular: config.popularLists },
        ...(flags.deep
          ? {
              deep: {
                paths: targets,
                accepts: config.accepts,
                onProgress: progress.update,
                onInternalError: (file, e) => {
                  if (g.debug) process.stderr.write(`depwarden: ${file}: ${(e as Error)?.stack ?? e}\n`);
                },
              },
            }
          : {}),
      });
    } finally {
      progress.end();
      source.close?.();
    }
    report.configFiles = config.files;
    report.inventory.warnings.push(...config.warnings);
    let text: string;
    switch (flags.format) {
      case "json":
        text = (await import("../report/scan-json.js")).formatScanJson(report);
        break;
      case "sarif":
        text = (await import("../report/scan-sarif.js")).formatScanSarif(report, {
          toolVersion: TOOL_VERSION,
        });
        break;
      case "markdown":
        text = (await import("../report/scan-markdown.js")).formatScanMarkdown(report);
        break;
      case "cyclonedx-json": {
        if (report.inventory.errors.length) {
          // As `sbom`: a BOM missing a broken file's packages (and their vulnerabilities) would look complete.
          for (const e of report.inventory.errors)
            process.stderr.write(`depwarden: ${e.file}: ${e.message}\n`);
          setExit(2);
          return;
        }
        const { formatScanCycloneDx } = await import("../report/scan-cyclonedx.js");
        text = formatScanCycloneDx(report, {
          toolVersion: TOOL_VERSION,
          projectName: flags.name ?? projectNameOf(targets[0] ?? "."),
        });
        break;
      }
      default: {
        const { formatScanTable } = await import("../report/scan-table.js");
        const color =
          flags.color !== false && !flags.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
        text = formatScanTable(report, { color });
      }
    }
    await emit(text.endsWith("\n") ? text : `${text}\n`, flags.output);
    for (const w of report.inventory.warnings) warn(g, `warning: ${w.file}: ${w.message}`);
    for (const e of report.inventory.errors) process.stderr.write(`depwarden: ${e.file}: ${e.message}\n`);
    setExit(scanExitCode(report));
  });
}
