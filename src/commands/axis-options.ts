import type { Command } from 'commander';
import { CASE_LIMITS } from '../limits.js';
import { DEFAULT_AXES } from '../profile/axes.js';
import { SIZE_ALLOWED } from '../profile/values.js';

/** The axis flags `run` and `ab` share (parsed by src/commands/run-settings.ts). */
export function axisOptions(cmd: Command): Command {
  return cmd
    .option('--strategy <list>', 'all, or a comma-separated list of: baseline, warp-coop, lock-free, mem-opt, write-combine')
    .option('--mode <list>', 'keep suites of these modes (comma-separated): single, batch, concurrent')
    .option('--value-size <sizes>', `value sizes, ${SIZE_ALLOWED}`)
    .option('--batch-size <list>', 'writes per submission (batch, concurrent)')
    .option('--threads <list>', 'host threads submitting at once (concurrent)')
    .option('--key-dist <list>', 'uniform or zipf:<theta>')
    .option('--update-share <list>', `uniform streams: the share of writes repeating an earlier key, ${CASE_LIMITS.updateShare.allowed} (default ${DEFAULT_AXES.updateShare.join(',')})`)
    .option('--load-factor <list>', `distinct keys / table slots, ${CASE_LIMITS.loadFactor.allowed}`)
    .option('--keys <list>', 'writes per sample (and size of the key universe)');
}
