import { spawnSync } from "node:child_process";
import { join, relative } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { APPROVALS_FILE, appendApproval, canonicalApprovalPurl } from "../policy/approvals.js";
import { isCalendarDate } from "../policy/config.js";
import { emit, type GlobalOptions } from "./common.js";

interface ApproveFlags {
  reason: string;
  by?: string;
  expires?: string;
  file?: string;
}

/** A git query's one-line answer in the current directory; undefined when git is missing or says nothing. */
function gitAnswer(args: string[]): string | undefined {
  const r = spawnSync("git", args, {
    encoding: "utf8",
    env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0" },
  });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.trim() || undefined;
}

function reviewer(flag: string | undefined): string {
  if (flag !== undefined) {
    if (!flag.trim()) throw new UsageError("--by must not be empty");
    return flag.trim();
  }
  const name = gitAnswer(["config", "user.name"]) || process.env.USER?.trim() || process.env.USERNAME?.trim();
  if (!name) {
    throw new UsageError("cannot tell who approves (no git user.name, USER or USERNAME): give --by NAME");
  }
  return name;
}

export function registerApprove(
  program: Command,
  _global: () => GlobalOptions,
  setExit: (code: number) => void,
) {
  program
    .command("approve")
    .description(`record that a reviewer accepted one dependency version (appended to ${APPROVALS_FILE})`)
    .argument("<purl>", "the package version approved, e.g. pkg:npm/lodash@4.17.21")
    .requiredOption("--reason <text>", "why it is accepted (kept in the audit trail)")
    .option("--by <name>", "who approves (default: git config user.name, else $USER)")
    .option("--expires <date>", "the approval holds through this day (YYYY-MM-DD, UTC)")
    .option(
      "--file <path>",
      `the approvals file (default: ${APPROVALS_FILE} at the root of the current repository)`,
    )
    .action(async (purlText: string, flags: ApproveFlags) => {
      const purl = canonicalApprovalPurl(purlText);
      const reason = flags.reason.trim();
      if (!reason) throw new UsageError("--reason must not be empty");
      const now = new Date();
      if (flags.expires !== undefined) {
        if (!isCalendarDate(flags.expires)) {
          throw new UsageError(
            `--expires: expected a date as YYYY-MM-DD, got ${JSON.stringify(flags.expires)}`,
          );
        }
        if (flags.expires < now.toISOString().slice(0, 10)) {
          throw new UsageError(`--expires ${flags.expires} is in the past`);
        }
      }
      const by = reviewer(flags.by);
      const path =
        flags.file ?? join(gitAnswer(["rev-parse", "--show-toplevel"]) ?? process.cwd(), APPROVALS_FILE);
      const display = flags.file ?? (relative(process.cwd(), path) || path);
      const { line } = await appendApproval(
        path,
        {
          purl,
          reason,
          by,
          at: `${now.toISOString().slice(0, 19)}Z`,
          ...(flags.expires ? { expires: flags.expires } : {}),
        },
        display,
      );
      await emit(`approved ${purl} (by ${by}): ${display}:${line}\n`, undefined);
      setExit(0);
    });
}
