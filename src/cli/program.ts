/** The depwarden command line: global flags, the commands, and the one place errors become exit codes. */
import { Command, CommanderError } from "commander";
import { InputError, UsageError } from "../errors.js";
import { TOOL_NAME, TOOL_VERSION } from "../version.js";
import { registerApprove } from "./approve.js";
import type { GlobalOptions } from "./common.js";
import { registerDb } from "./db.js";
import { registerInspect } from "./inspect.js";
import { registerInventory } from "./inventory.js";
import { registerReview } from "./review.js";
import { registerSbom } from "./sbom.js";
import { registerScan } from "./scan.js";

/** The stdout listener is installed once per process (tests call `main` many times). */
let stdoutGuarded = false;

export async function main(argv: string[]): Promise<number> {
  // `depwarden inventory | head`: a reader that stops early is not an error worth a stack trace.
  if (!stdoutGuarded) {
    stdoutGuarded = true;
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  let exitCode = 0;
  const program = new Command(TOOL_NAME)
    .description(
      "Control third-party code: inventory, vulnerability and supply-chain checks for Python and npm",
    )
    .version(TOOL_VERSION, "-V, --version")
    .option("-q, --quiet", "print only results and errors (no warnings or progress)")
    .option("--debug", "print stack traces for unexpected errors")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const global = () => program.opts<GlobalOptions>();
  const setExit = (code: number) => {
    exitCode = code;
  };
  registerInventory(program, global, setExit);
  registerSbom(program, global, setExit);
  registerScan(program, global, setExit);
  registerInspect(program, global, setExit);
  registerReview(program, global, setExit);
  registerDb(program, global, setExit);
  registerApprove(program, global, setExit);
  for (const cmd of program.commands) cmd.exitOverride();

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; a bad flag or argument is a usage error
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof InputError || e instanceof UsageError) {
      process.stderr.write(`depwarden: ${e.message}\n`);
      if (global().debug) process.stderr.write(`${e.stack}\n`);
      return 2;
    }
    const err = e as Error;
    process.stderr.write(`depwarden: internal error: ${err?.message ?? String(e)}\n`);
    if (global().debug || argv.includes("--debug")) process.stderr.write(`${err?.stack ?? ""}\n`);
    else process.stderr.write("depwarden: run again with --debug for details\n");
    return 2;
  }
}
