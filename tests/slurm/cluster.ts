/**
 * A real single-node Slurm cluster for tests: munged, slurmctld and slurmd from Debian's packages
 * (installed by `make slurm-deps`), run in the foreground as children of the test process, with
 * every file (munge key and socket, slurm.conf, state, spool, logs) in a temporary directory and
 * every port on 127.0.0.1. Nothing of the system's own munge or Slurm set-up is used or touched.
 * See /work/shared/slurm-single-node.md for the settings that work without systemd or cgroups.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const SLURM_BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo'];

/** Binaries not on PATH (or in /usr/sbin, where Debian puts the daemons). */
export function missingBinaries(): string[] {
  const path = `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin`;
  return SLURM_BINARIES.filter((b) => !path.split(':').some((d) => d && existsSync(join(d, b))));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface Cluster {
  dir: string;
  /** environment for sbatch/squeue/writeprof: SLURM_CONF and a PATH with /usr/sbin */
  env: Record<string, string>;
  /** run a Slurm client command; throws on a non-zero exit */
  cmd(name: string, args: string[]): string;
  /** wait until no job of this cluster is pending or running */
  drain(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number, logs: string[]): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return;
    await sleep(100);
  }
  const tails = logs.filter(existsSync).map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`);
  throw new Error(`slurm test cluster: ${what} not ready after ${timeoutMs} ms\n${tails.join('\n')}`);
}

export async function startCluster(): Promise<Cluster> {
  const missing = missingBinaries();
  if (missing.length) throw new Error(`Slurm/munge not installed (${missing.join(', ')} missing): run \`make slurm-deps\` (Debian: slurmctld slurmd slurm-client munge)`);
  const dir = mkdtempSync(join(tmpdir(), 'wp-slurm-'));
  // munged refuses a socket directory others cannot traverse, and a key others can read.
  chmodSync(dir, 0o755);
  const keyDir = join(dir, 'munge-key');
  const sockDir = join(dir, 'munge');
  for (const d of [keyDir, sockDir, join(dir, 'state'), join(dir, 'spool')]) mkdirSync(d, { recursive: true });
  chmodSync(keyDir, 0o700);
  const key = join(keyDir, 'munge.key');
  writeFileSync(key, randomBytes(128), { mode: 0o400 });
  const socket = join(sockDir, 'munge.sock');

  const node = hostname().split('.')[0]!;
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=writeprof-test',
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      // Bind to 127.0.0.1 (what the node name resolves to here), not to every address.
      'CommunicationParameters=NoInAddrAny,NoCtldInAddrAny',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'ReturnToService=2',
      'MpiDefault=none',
      // Look for runnable jobs every second (defaults: 60 s main loop, 30 s backfill): a test
      // cluster has nothing to protect from scheduling load, and a job array's tasks then follow
      // each other without idle gaps (a 4-task chain plus its dependent job: ~8 s -> ~5 s).
      'SchedulerParameters=sched_interval=1,bf_interval=1',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus().length} State=UNKNOWN`,
      `PartitionName=test Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env: Record<string, string> = { SLURM_CONF: conf, PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin` };
  const fullEnv = { ...process.env, ...env };
  const children: ChildProcess[] = [];
  const daemon = (cmd: string, args: string[]): void => {
    const child = spawn(cmd, args, { env: fullEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', () => {}); // logged to files; keep the pipe drained
    children.push(child);
  };
  const logs = [join(sockDir, 'munged.log'), join(dir, 'slurmctld.log'), join(dir, 'slurmd.log')];
  const cmd = (name: string, args: string[]): string => {
    const r = spawnSync(name, args, { env: fullEnv, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${name} ${args.join(' ')}: exit ${r.status}: ${r.stderr.trim()}`);
    return r.stdout;
  };

  const stop = async (): Promise<void> => {
    try {
      // Jobs first, so that no slurmstepd outlives its slurmd.
      spawnSync('scancel', ['--full', '--user=root'], { env: fullEnv });
    } catch {
      /* nothing to cancel */
    }
    for (const child of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (process.env['WP_KEEP_SLURM_DIR'] !== '1') rmSync(dir, { recursive: true, force: true });
  };

  try {
    daemon('munged', ['--foreground', `--key-file=${key}`, `--socket=${socket}`, `--pid-file=${join(sockDir, 'munged.pid')}`, `--log-file=${logs[0]}`, `--seed-file=${join(keyDir, 'munged.seed')}`]);
    await waitFor('munged', () => existsSync(socket), 10_000, logs);
    daemon('slurmctld', ['-D', '-f', conf]);
    daemon('slurmd', ['-D', '-f', conf, '-N', node]);
    await waitFor(
      'node idle',
      () => {
        const r = spawnSync('sinfo', ['-h', '-o', '%T'], { env: fullEnv, encoding: 'utf8' });
        return r.status === 0 && r.stdout.trim() === 'idle';
      },
      30_000,
      logs,
    );
  } catch (err) {
    await stop();
    throw err;
  }

  const drain = async (timeoutMs: number): Promise<void> => {
    await waitFor('queue drained', () => cmd('squeue', ['-h', '-o', '%i']).trim() === '', timeoutMs, logs);
  };
  return { dir, env, cmd, drain, stop };
}
