/** Talking to Slurm through its own client commands (sbatch, scontrol): no daemon protocol of our own. */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../errors.js';
import { printable } from '../io/sanitize.js';

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

/** States after which a job never runs again (squeue/scontrol spelling). */
const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE']);

/** `sbatch --parsable ...` → the job id (an array's id for --array); `what` names the job in errors. */
export function sbatch(args: string[], what = 'the job'): string {
  const r = run('sbatch', ['--parsable', ...args]);
  if (r.status !== 0) throw new UsageError(`sbatch refused ${what}: ${printable(firstLine(r.stderr)) || `exit ${r.status}`}`);
  // --parsable prints "<id>" or "<id>;<cluster>" on its last line; a site's wrapper may print more before it.
  const last = r.stdout.trim().split('\n').at(-1)?.trim() ?? '';
  const m = /^(\d+)(;\S+)?$/.exec(last);
  if (!m) {
    const shown = JSON.stringify(printable(r.stdout.trim().slice(0, 200)));
    throw new UsageError(`sbatch exited 0 for ${what} but printed ${shown}, not a job id (sbatch --parsable prints "<id>"); whether it was queued is unknown: look with squeue`);
  }
  return m[1]!;
}

/** Array task ids as Slurm writes them: "3", "1-4", "1,3,5-7", "1-7:2", with a "%2" throttle. */
function taskIds(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.replace(/%\d+$/, '').replace(/^\[|\]$/g, '').split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!m) continue;
    const [lo, hi, step] = [Number(m[1]), Number(m[2] ?? m[1]), Number(m[3] ?? 1)];
    for (let i = lo; i <= hi && out.length < 100_000; i += Math.max(step, 1)) out.push(i);
  }
  return out;
}

/** The tasks of a job array that may still run (pending, running, requeued...); empty once Slurm forgot it. */
export function tasksInFlight(arrayJob: string): number[] {
  const r = run('scontrol', ['show', 'job', '-o', arrayJob]);
  if (r.status !== 0) {
    if (/invalid job id/i.test(r.stderr)) return [];
    throw new UsageError(`scontrol show job ${arrayJob}: ${printable(firstLine(r.stderr)) || `exit ${r.status}`}`);
  }
  const live: number[] = [];
  for (const line of r.stdout.split('\n')) {
    const state = /\bJobState=(\S+)/.exec(line)?.[1];
    const tasks = /\bArrayTaskId=(\S+)/.exec(line)?.[1];
    if (state && tasks && !FINAL.has(state)) live.push(...taskIds(tasks));
  }
  return live;
}


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
    throw new UsageError(`scontrol show job ${id}: ${printable(firstLine(r.stderr)) || `exit ${r.status}`}`);
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
