#!/usr/bin/env node
// Is writeprof's Redis harness the bottleneck? Its Redis figures next to redis-benchmark's, on one
// redis-server (the one writeprof starts: 127.0.0.1, ephemeral port, no persistence), in the same
// job, interleaved in rounds so both see the same stretch of a shared machine:
//   single:      writeprof single mode (one SET round trip per write)  vs  redis-benchmark -t set -d 64 -P 1 -c 1
//   batch 1,000: writeprof batch mode (pipelines of 1,000 SETs)        vs  redis-benchmark -t set -d 64 -P 1000 -c 1
// One connection on both sides (writeprof's single and batch modes use one); redis-benchmark's
// keys are random over a keyspace as large as writeprof's sample (-r), values 64 B (-d 64).
// Target: writeprof >= 90% of redis-benchmark's requests/s. Prints a table, writes
// reports/bench-redis-<timestamp>.json atomically.
//   node bench/redis/run.mjs [--quick] [--output <file>] [--strict]
import { spawnSync } from 'node:child_process';
import { cpus, hostname, release, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { createRedisBackend } from '../../dist/backends/redis/backend.js';
import { startManagedRedis } from '../../dist/backends/redis/server.js';
import { loadAddon } from '../../dist/backends/native.js';
import { caseId } from '../../dist/model.js';
import { parseBenchArgs } from '../lib/args.mjs';
import { writeFileAtomic } from '../../dist/io/write.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (msg) => process.stderr.write(`bench-redis: ${msg}\n`);
const TARGET = 0.9;


const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

/** The two rows: writeprof's case and the redis-benchmark command that does the same writes. */
function rows(quick) {
  const scale = quick ? 10 : 1;
  return [
    { label: 'single (P 1)', mode: 'single', batchSize: 1, keys: 20_000 / scale, pipeline: 1, samples: quick ? 2 : 3 },
    { label: 'batch 1,000 (P 1000)', mode: 'batch', batchSize: 1000, keys: 200_000 / scale, pipeline: 1000, samples: quick ? 2 : 3 },
  ];
}

/** redis-benchmark's SET requests/s (its --csv line), one connection. */
function redisBenchmark(port, row) {
  const shown = ['-t', 'set', '-d', '64', '-P', String(row.pipeline), '-c', '1', '-n', String(row.keys * row.samples), '-r', String(row.keys)];
  const args = ['-h', '127.0.0.1', '-p', String(port), ...shown, '--csv'];
  const r = spawnSync('redis-benchmark', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-benchmark ${args.join(' ')}: ${(r.stderr || '').trim() || `exit ${r.status}`}`);
  const line = r.stdout.split('\n').find((l) => /^"SET"/.test(l));
  if (!line) throw new Error(`redis-benchmark printed no SET line: ${r.stdout.trim()}`);
  return { command: `redis-benchmark ${shown.join(' ')}`, opsPerSec: Number(JSON.parse(line.split(',')[1])) };
}

/** writeprof's samples of the row's case, every one verified (every distinct key read back). */
async function writeprofSamples(backend, row) {
  const axes = { strategy: 'peer', peer: 'redis', mode: row.mode, valueSize: 64, batchSize: row.batchSize, threads: 1, keyDist: 'uniform', loadFactor: 0.5, keys: row.keys };
  const handle = backend.open({ id: caseId(axes), ...axes }, { countConflicts: true, slowdownNs: 0, latencyEvery: 0, seed: 42 });
  const out = [];
  try {
    for (let i = 0; i <= row.samples; ++i) {  // sample 0: warm-up
      const s = await handle.runSample();
      const v = s.verification;
      if (v.lost || v.stale || v.corrupted) throw new Error(`verification failed: ${v.lost} lost, ${v.stale} stale, ${v.corrupted} corrupted of ${v.distinct} keys`);
      if (i > 0) out.push(s.writes / (s.elapsedNs * 1e-9));
    }
  } finally {
    await handle.close();
  }
  return out;
}

/** Our own server only: between runs, redis-benchmark's keys go (writeprof deletes its own). */
function flushOwnServer(port) {
  spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'FLUSHALL'], { stdio: 'ignore' });
}

async function main() {
  const args = parseBenchArgs(process.argv.slice(2), 'bench-redis');
  const rounds = args.quick ? 1 : 3;
  const addon = loadAddon();
  const server = await startManagedRedis({
    persistence: 'none',
    ready: async (port) => void (await addon.redisInfo({ host: '127.0.0.1', port, db: 0, user: '', password: '', prefix: '', timeoutMs: 1000, command: 'set' })),
  });
  const stop = () => server.stop();
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));
  try {
    const target = { host: server.host, port: server.port, db: 0, user: '', password: '', prefix: 'wpbench:', timeoutMs: 10_000, command: 'set' };
    const info = await addon.redisInfo(target);
    log(`redis-server ${info.version} on 127.0.0.1:${server.port} (pid ${server.pid}), hiredis ${info.hiredis}`);
    const backend = createRedisBackend({ target, managed: server, warn: log });
    const results = rows(args.quick).map((r) => ({ ...r, writeprof: [], redisBenchmark: [], command: '' }));
    for (let round = 0; round < rounds; ++round) {
      for (const r of results) {
        // Alternate who goes first, so a drift within a round favours neither side.
        const order = round % 2 === 0 ? ['wp', 'rb'] : ['rb', 'wp'];
        for (const who of order) {
          log(`round ${round + 1}/${rounds}: ${r.label}: ${who === 'wp' ? 'writeprof' : 'redis-benchmark'}`);
          if (who === 'wp') r.writeprof.push(...(await writeprofSamples(backend, r)));
          else {
            const b = redisBenchmark(server.port, r);
            r.command = b.command;
            r.redisBenchmark.push(b.opsPerSec);
          }
          flushOwnServer(server.port);
        }
      }
    }
    for (const r of results) {
      r.writeprofOpsPerSec = median(r.writeprof);
      r.redisBenchmarkOpsPerSec = median(r.redisBenchmark);
      r.ratio = r.writeprofOpsPerSec / r.redisBenchmarkOpsPerSec;
      r.pass = r.ratio >= TARGET;
    }
    const doc = {
      kind: 'writeprof-bench-redis',
      schemaVersion: 1,
      createdAt: new Date().toISOString(),
      environment: { host: hostname(), cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, os: `${platform()} ${release()}`,
        redis: info.version, hiredis: info.hiredis },
      config: { quick: args.quick, rounds, valueSize: 64, connections: 1, target: TARGET },
      rows: results,
    };
    const stamp = doc.createdAt.replace(/[:.]/g, '-');
    const file = resolve(args.output ?? join(root, 'reports', `bench-redis-${stamp}.json`));
    writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`, { inputs: [] });

    const fmt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');
    const t = new Table({ head: ['64 B SET, 1 connection', 'writeprof (ops/s)', 'redis-benchmark (req/s)', 'writeprof / redis-benchmark', `target >= ${TARGET * 100}%`],
      style: { head: [], border: [] } });
    for (const r of results) t.push([r.label, fmt(r.writeprofOpsPerSec), fmt(r.redisBenchmarkOpsPerSec), `${(r.ratio * 100).toFixed(1)}%`, r.pass ? 'PASS' : 'FAIL']);
    process.stdout.write(`writeprof's Redis harness vs redis-benchmark (Redis ${info.version}, ${doc.environment.cpu}, ${doc.environment.cores} cores), medians of ${rounds} interleaved round(s)\n`);
    process.stdout.write(`${t.toString()}\n`);
    for (const r of results) process.stdout.write(`  ${r.label}: ${r.command}; writeprof: ${r.samples} verified samples of ${r.keys.toLocaleString('en-US')} writes per round\n`);
    process.stdout.write(`bench JSON: ${file}\n`);
    return args.strict && results.some((r) => !r.pass) ? 1 : 0;
  } finally {
    await stop();
  }
}

main().then(
  (code) => { process.exitCode = code; },
  (e) => {
    process.stderr.write(`bench-redis: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
