import type { Command } from "commander";
import type { FailOn } from "../analysis/scan.js";
import { TOOL_VERSION } from "../version.js";
import { emit, failOnOption, formatOption, type GlobalOptions, warn } from "./common.js";

type InspectFormat = "table" | "json" | "sarif";

interface Flags {
  format: InspectFormat;
  output?: string;
  failOn?: FailOn;
  config?: string;
  workers?: string;
  color?: boolean;
}

export function registerInspect(
  program: Command,
  global: () => GlobalOptions,
  setExit: (code: number) => void,
) {
  program
    .command("inspect")
    .description(
      "look for malicious code and install hooks in package contents: directories, npm tarballs (.tgz), wheels (.whl), sdists (.tar.gz, .zip)",
    )
    .argument("<paths...>", "packages to analyse (never executed, imported or installed)")
    .addOption(formatOption(["table", "json", "sarif"], "table"))
    .option("-o, --output <file>", "write the report to this file (atomically) instead of stdout")
    .addOption(failOnOption())
    .option(
      "--config <file>",
      "project file with accepted findings and settings (default: nearest .depwarden.yaml)",
    )
    .option("--workers <n>", "worker threads for the analysis (default: one per core; 0: none)")
    .option("--no-color", "no colours in the table, even on a terminal")
    .action(async (paths: string[], flags: Flags) => {
      const g = global();
      const { UsageError } = await import("../errors.js");
      let workers: number | undefined;
      if (flags.workers !== undefined) {
        workers = Number(flags.workers);
        if (!Number.isInteger(workers) || workers < 0 || workers > 64)
          throw new UsageError(`--workers: expected a whole number from 0 to 64, got "${flags.workers}"`);
      }
      const { loadProjectConfig } = await import("../policy/config.js");
      const { inspectExitCode, inspectPaths } = await import("../analysis/code/inspect.js");
      // The inspected package must not judge itself: a `.depwarden.yaml` inside an inspected directory could
      // switch the gate off or accept its own findings. The search starts above each inspected directory.
      const { existsSync, statSync } = await import("node:fs");
      const { dirname, join, resolve } = await import("node:path");
      const { CONFIG_FILE_NAMES } = await import("../policy/config.js");
      const isDir = (p: string) => {
        try {
          return statSync(p).isDirectory();
        } catch {
          return false;
        }
      };
      const planted: string[] = [];
      const starts = paths.map((p) => {
        if (!isDir(p)) return p;
        for (const n of CONFIG_FILE_NAMES) if (existsSync(join(p, n))) planted.push(join(p, n));
        return dirname(resolve(p));
      });
      const config = loadProjectConfig(starts, flags.config);
      const failOn: FailOn = flags.failOn ?? (config.failOn as FailOn | undefined) ?? "high";
      const report = await inspectPaths(paths, {
        failOn,
        accepts: config.accepts,
        configFiles: config.files,
        ...(workers !== undefined ? { workers } : {}),
        onInternalError: (file, e) => {
          if (g.debug) process.stderr.write(`depwarden: ${file}: ${(e as Error)?.stack ?? e}\n`);
        },
      });
      report.warnings.unshift(
        ...config.warnings,
        ...planted.map((file) => ({
          file,
          message: "ignored: a package's own config file cannot change how it is judged",
        })),
      );
      let text: string;
      if (flags.format === "json")
        text = (await import("../report/inspect-json.js")).formatInspectJson(report);
      else if (flags.format === "sarif")
        text = (await import("../report/inspect-sarif.js")).formatInspectSarif(report, {
          toolVersion: TOOL_VERSION,
        });
      else {
        const color =
          flags.color !== false && !flags.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
        text = (await import("../report/inspect-table.js")).formatInspectTable(report, { color });
      }
      await emit(text, flags.output);
      // Names and messages come from the analysed archive: escape control characters before they reach a terminal.
      const { cleanSnippet } = await import("../analysis/code/inspect.js");
      for (const w of report.warnings)
        warn(g, `warning: ${cleanSnippet(w.file)}: ${cleanSnippet(w.message)}`);
      for (const e of report.errors)
        process.stderr.write(`depwarden: ${cleanSnippet(e.file)}: ${cleanSnippet(e.message)}\n`);
      setExit(inspectExitCode(report));
    });
}
