import type { Command } from 'commander';
import { build } from '../emu/build.js';
import { BUILD_USAGE, parseBuildArgs } from '../emu/flags.js';

export function register(program: Command): void {
  const emu = program
    .command('emu')
    .description('The host SIMT emulator as a CUDA toolchain: build CUDA programs that run without a GPU');
  emu
    .command('build')
    .description('Build CUDA sources into a program that runs on the emulator (nvcc-like flags; --help for them)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]', 'files and nvcc-like flags')
    .action(async (args: string[]) => {
      if (args.includes('--help') || args.includes('-h')) {
        process.stdout.write(`${BUILD_USAGE}\n`);
        return;
      }
      await build(parseBuildArgs(args));
    });
}
