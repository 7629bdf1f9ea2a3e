/** Talking to Slurm through its own client commands (sbatch, scontrol): no daemon protocol of our own. */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../errors.js';

function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${cmd} not found on PATH: --submit needs Slurm's client commands (Debian: slurm-client); without --submit the scripts are only written`);
    throw new UsageError(`${cmd}: ${r.error.message}`);
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function firstLine(s: string): string {
  return s.trim().split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

/** `sbatch --parsable ...` → the job id (an array's id for --array). */
export function sbatch(args: string[]): string {
  const r = run('sbatch', ['--parsable', ...args]);
  if (r.status !== 0) throw new UsageError(`sbatch refused the job: ${firstLine(r.stderr) || `exit ${r.status}`}`);
  const m = /^(\d+)(;\S+)?$/.exec(firstLine(r.stdout));
  if (!m) throw new Error(`sbatch --parsable printed ${JSON.stringify(r.stdout.trim())}, not a job id`);
  return m[1]!;
}

/** States after which a job never runs again (squeue/scontrol spelling). */
const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE']);

export interface JobEnd {
  state: string;
  /** the batch script's exit status (undefined when Slurm no longer knows the job) */
  exitCode?: number;
}

/** One job's state from `scontrol show job -o`; undefined once Slurm has forgotten it. */
export function jobState(id: string): JobEnd | undefined {
  const r = run('scontrol', ['show', 'job', '-o', id]);
  if (r.status !== 0) {
    if (/invalid job id/i.test(r.stderr)) return undefined;
    throw new UsageError(`scontrol show job ${id}: ${firstLine(r.stderr) || `exit ${r.status}`}`);
  }
  const state = /\bJobState=(\S+)/.exec(r.stdout)?.[1] ?? 'UNKNOWN';
  const exit = /\bExitCode=(\d+):(\d+)/.exec(r.stdout);
  return exit ? { state, exitCode: Number(exit[1]) } : { state };
}

/** Polls until the job reaches a final state (or Slurm forgets it: MinJobAge after the end). */
export async function waitForJob(id: string, pollMs = 1000): Promise<JobEnd> {
  for (;;) {
    const s = jobState(id);
    if (!s) return { state: 'UNKNOWN (no longer known to Slurm)' };
    if (FINAL.has(s.state)) return s;
    await sleep(pollMs);
  }
}
