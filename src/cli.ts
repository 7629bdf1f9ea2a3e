import { Command, CommanderError } from 'commander';
import { CompileError, exitCodeOf } from './errors.js';
import { printable } from './io/sanitize.js';
import { guardStdio } from './io/stdio.js';
import { TOOL_VERSION } from './version.js';
import { screenWidth } from './screen.js';
import { helpAfter } from './commands/output.js';
import { register as registerRun } from './commands/run.js';
import { register as registerCompare } from './commands/compare.js';
import { register as registerReport } from './commands/report.js';
import { register as registerValidate } from './commands/validate.js';
import { register as registerDevices } from './commands/devices.js';
import { register as registerKernels } from './commands/kernels.js';
import { register as registerMerge } from './commands/merge.js';
import { register as registerSlurm } from './commands/slurm.js';
import { register as registerAb } from './commands/ab.js';
import { register as registerEmu } from './commands/emu.js';
import { register as registerCheck } from './commands/check.js';

const MAIN_HELP = `
Examples:
  writeprof run                                   # the story's validation matrix, then the summary
  writeprof run --profile quick -o reports/quick.md
  writeprof report reports/quick.json -o reports/quick.html
  writeprof validate reports/quick.json -c profiles/claims/cpu-ci.json
  writeprof ab --base main                        # the CI gate: this checkout against main
  writeprof <command> --help                      # every command's flags and examples
`;

export function buildProgram(): Command {
  const program = new Command('writeprof')
    .description('Profile GPU key-value write paths: launch write kernels, sweep axes, gate regressions')
    .version(TOOL_VERSION)
    .showHelpAfterError(false)
    .exitOverride()
    // Commander's own errors (unknown option, missing argument) stay one line: its "Did you mean"
    // hint joins the message instead of starting a second line. Inherited by every sub-command.
    .configureOutput({ outputError: (str, write) => write(`writeprof: ${printable(str.trim().replace(/\s*\n\s*/g, ' '))}\n`) })
    // Help fits the screen ($COLUMNS, else the terminal, else 100 columns); inherited by every sub-command.
    .configureHelp({ helpWidth: screenWidth(), minWidthToWrap: 20 })
    .addHelpText('after', helpAfter(MAIN_HELP));
  for (const register of [registerRun, registerCheck, registerCompare, registerReport, registerValidate, registerDevices, registerKernels, registerAb]) {
    register(program);
  }
  // Fleet sweeps.
  registerMerge(program);
  registerSlurm(program);
  // The emulator as a CUDA toolchain.
  registerEmu(program);
  // Sub-commands inherit the override so commander never calls process.exit itself.
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const cmd of all(program).slice(1)) cmd.exitOverride();
  return program;
}

/** Runs the CLI; returns the exit code (see errors.ts and the README's table). */
export async function main(argv: string[]): Promise<number> {
  // A closed stdout/stderr (`| head -1`) must not kill the command before its files are written.
  guardStdio();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end this way too; commander already printed them.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2; // commander printed its one-line error
    }
    if (err instanceof CompileError) {
      for (const line of err.lines) process.stderr.write(`${printable(line)}\n`);
      return exitCodeOf(err);
    }
    const message = err instanceof Error ? err.message : String(err);
    // One line, whatever the input held: file names and values are echoed with escapes.
    process.stderr.write(`writeprof: ${printable(message)}\n`);
    return exitCodeOf(err);
  }
}
