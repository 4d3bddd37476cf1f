import type { Command } from "commander";
import type { FailOn } from "../analysis/scan.js";
import type { ReviewReport } from "../review/model.js";
import {
  collect,
  emit,
  failOnOption,
  formatOption,
  type GlobalOptions,
  maxAdvisoryAge,
  openAdvisorySource,
  warn,
} from "./common.js";

type ReviewFormat = "table" | "json" | "markdown";

interface Flags {
  base: string;
  head?: string;
  format: ReviewFormat;
  output?: string;
  failOn?: FailOn;
  config?: string;
  approvals?: string;
  packages?: string;
  deep?: boolean;
  db?: string;
  online?: boolean;
  onlineUrl?: string;
  mergeBase?: boolean;
  typosquat?: boolean;
  maxAdvisoryAge?: string;
  color?: boolean;
  exclude?: string[];
}

export function registerReview(
  program: Command,
  global: () => GlobalOptions,
  setExit: (code: number) => void,
) {
  program
    .command("review")
    .description(
      "review the dependency changes between two git revisions against the policy of .depwarden.yaml (for pull requests)",
    )
    .argument("[path]", "directory of the repository to review (default: the current directory)")
    .requiredOption("--base <rev>", "the revision the change starts from (a branch, tag or commit)")
    .option(
      "--head <rev>",
      "the revision to review (default: the working tree, uncommitted changes included)",
    )
    .addOption(formatOption(["table", "json", "markdown"], "table"))
    .option("-o, --output <file>", "write the report to this file (atomically) instead of stdout")
    .addOption(failOnOption())
    .option("--config <file>", "policy file (default: the head's nearest .depwarden.yaml)")
    .option("--approvals <file>", "approvals file (default: .depwarden/approvals.yaml of the head)")
    .option(
      "--packages <dir>",
      "analyse the changed packages' tarballs, wheels and sdists found in this directory",
    )
    .option("--deep", "analyse the changed packages installed under the path (node_modules, site-packages)")
    .option("--no-merge-base", "compare with --base itself, not with where the head branched from it")
    .option("--db <path>", "advisory store to use (default: $DEPWARDEN_DB, else the user cache directory)")
    .option("--online", "query the OSV API instead of the local store (sends package names and versions)")
    .option("--online-url <url>", "OSV API base URL for --online (default: https://api.osv.dev)")
    .option("--max-advisory-age <age>", "warn when the advisory data is older than this (default: 7d)")
    .option(
      "--exclude <pattern>",
      "leave out files matching this gitignore-style pattern, on both sides (repeatable)",
      collect,
    )
    .option("--no-typosquat", "do not check new package names for typosquats")
    .option("--no-color", "no colours in the table, even on a terminal")
    .action(async (path: string | undefined, flags: Flags) => {
      const g = global();
      const { reviewChange, reviewExitCode } = await import("../review/review.js");
      const maxAge = await maxAdvisoryAge(flags.maxAdvisoryAge, undefined);
      const { source, label } = await openAdvisorySource(flags, g);
      let report: ReviewReport;
      try {
        report = await reviewChange({
          path: path ?? ".",
          base: flags.base,
          ...(flags.head !== undefined ? { head: flags.head } : {}),
          mergeBase: flags.mergeBase !== false,
          source,
          ...(label ? { databaseLabel: label } : {}),
          ...(flags.online ? {} : { maxAdvisoryAgeMs: maxAge }),
          ...(flags.config ? { config: flags.config } : {}),
          ...(flags.approvals ? { approvals: flags.approvals } : {}),
          ...(flags.failOn ? { failOn: flags.failOn } : {}),
          ...(flags.packages !== undefined ? { packages: flags.packages } : {}),
          deep: flags.deep === true,
          typosquat: flags.typosquat !== false,
          ...(flags.exclude?.length ? { exclude: flags.exclude } : {}),
          onInternalError: (file, e) => {
            if (g.debug) process.stderr.write(`depwarden: ${file}: ${(e as Error)?.stack ?? e}\n`);
          },
        });
      } finally {
        source.close?.();
      }
      let text: string;
      switch (flags.format) {
        case "json":
          text = (await import("../report/review-json.js")).formatReviewJson(report);
          break;
        case "markdown":
          text = (await import("../report/review-markdown.js")).formatReviewMarkdown(report);
          break;
        default: {
          const color =
            flags.color !== false && !flags.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
          text = (await import("../report/review-table.js")).formatReviewTable(report, { color });
        }
      }
      await emit(text.endsWith("\n") ? text : `${text}\n`, flags.output);
      for (const n of report.notes) warn(g, `${n.file}: ${n.message}`);
      for (const w of report.inventory.warnings) warn(g, `warning: ${w.file}: ${w.message}`);
      for (const e of report.inventory.errors) process.stderr.write(`depwarden: ${e.file}: ${e.message}\n`);
      setExit(reviewExitCode(report));
    });
}
