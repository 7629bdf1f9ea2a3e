import type { Command } from 'commander';

/** The axis flags `run` and `ab` share (parsed by src/profile/flags.ts). */
export function axisOptions(cmd: Command): Command {
  return cmd
    .option('--strategy <list>', 'all, or strategies: baseline,warp-coop,lock-free,mem-opt,write-combine')
    .option('--mode <list>', 'keep suites of these modes: single,batch,concurrent')
    .option('--value-size <sizes>', 'value sizes, 8 B to 64 KiB (64,256,1K,4K)')
    .option('--batch-size <list>', 'writes per submission (batch, concurrent)')
    .option('--threads <list>', 'host threads submitting at once (concurrent)')
    .option('--key-dist <list>', 'uniform or zipf:<theta>')
    .option('--load-factor <list>', 'distinct keys / table slots, in (0, 0.95]')
    .option('--keys <list>', 'writes per sample (and size of the key universe)');
}
