#!/usr/bin/env node
// `make bench`: writeprof's CPU strategies against libcuckoo and memcpy bandwidth, in
// one run on one machine; prints the table and the target verdicts, writes
// reports/bench-<timestamp>.json atomically.
//   node bench/run.mjs [--quick] [--output <file>] [--strict]
// --quick: 1/16 of the keys and fewer samples (a smoke run, numbers not meaningful);
// --strict: exit 1 when a target fails (by default only a failed case or verification does).
import { cpus, hostname, release, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCells, benchConfig, STRATEGIES } from './lib/matrix.mjs';
import { buildPeers, loadCuckoo, measureCuckoo, measureMemcpy, poolMemcpy, poolPeer } from './lib/peers.mjs';
import { CaseRun, counterCost, loadCpuBackend, openOptions, specOf } from './lib/writeprof.mjs';
import { measureOverhead, PEER_VALUES } from './lib/harness.mjs';
import { evaluateTargets } from './lib/targets.mjs';
import { renderBench } from './lib/report.mjs';
import { parseBenchArgs } from './lib/args.mjs';
import { writeFileAtomic } from '../dist/io/write.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);


async function main() {
  const args = parseBenchArgs(process.argv.slice(2), 'bench');
  const cfg = benchConfig({ quick: args.quick });
  const cells = benchCells(cfg);
  const bins = buildPeers(root, log);
  const cuckoo = await loadCuckoo(root);
  const { backend, caseId } = await loadCpuBackend(root);
  const status = backend.status();
  if (!status.available) throw new Error(`CPU backend unavailable: ${status.reason ?? 'no reason given'}`);

  // Noise on a shared machine drifts within seconds, so each cell runs in rounds: per round,
  // memcpy at the cell's thread count, libcuckoo on the cell's stream, then samples of each of
  // the five strategies (each opened afresh per round: placement in memory matters too). Samples
  // are pooled per side, so writeprof and its references see the same stretch of time; a row's
  // ratios use its own cell.
  const rows = [];
  const peerRuns = [];
  const memcpyRuns = [];
  for (const [ci, c] of cells.entries()) {
    const label = `${c.mode} ${c.valueSize} B ${c.keyDist}, ${c.threads} thread(s), ${c.keys} keys`;
    const runs = new Map(STRATEGIES.map((strategy) => [strategy, new CaseRun(specOf(caseId, c, strategy))]));
    const failed = new Map();
    const mem = [];
    const peers = [];
    for (let round = 0; round < cfg.rounds; ++round) {
      log(`[cell ${ci + 1}/${cells.length}, round ${round + 1}/${cfg.rounds}] ${label}`);
      mem.push(measureMemcpy(bins, { threads: c.threads, ...cfg.memcpy }));
      peers.push(await measureCuckoo(cuckoo, caseId, { ...c, seed: cfg.seed, reps: cfg.peerReps }));
      for (const [strategy, run] of runs) {
        if (failed.has(strategy)) continue;
        try {
          await run.round(backend, openOptions(cfg.seed), cfg.warmup, cfg.samplesPerRound);
        } catch (e) {
          failed.set(strategy, e instanceof Error ? e.message : String(e));
        }
      }
    }
    const memcpy = poolMemcpy(mem);
    const peer = poolPeer(peers);
    memcpyRuns.push({ cell: `${c.mode}/${c.valueSize}/${c.keyDist}`, ...memcpy });
    peerRuns.push({ mode: c.mode, ...peer });

    const cellRows = STRATEGIES.map((strategy) => {
      const spec = specOf(caseId, c, strategy);
      return failed.has(strategy) ? { ...spec, status: 'failed', error: failed.get(strategy) } : { ...spec, ...runs.get(strategy).summary() };
    });
    // Ratios: vs baseline (same cell), vs libcuckoo (same stream and threads), vs memcpy.
    const base = cellRows.find((r) => r.strategy === 'baseline' && r.status === 'ok');
    for (const r of cellRows) {
      if (r.status === 'ok') {
        r.vsBaseline = base ? r.opsPerSec / base.opsPerSec : null;
        r.vsPeer = r.opsPerSec / peer.best.opsPerSec;
        r.vsMemcpy = r.bytesPerSec / memcpy.bytesPerSec;
        r.memcpyBytesPerSec = memcpy.bytesPerSec;
        r.peerOpsPerSec = peer.best.opsPerSec;
      }
      rows.push(r);
    }
  }

  // Harness: what the TS + N-API layers add around a sample, and what counting costs.
  log('harness overhead (JS-observed vs native time per sample)');
  const overhead = await measureOverhead(backend, caseId, cfg, rows);
  const counters = [];
  for (const keyDist of ['uniform', 'zipf:0.99']) {
    const cell = cells.find((c) => c.mode === 'concurrent' && c.valueSize === 64 && c.keyDist === keyDist);
    for (const strategy of STRATEGIES) {
      log(`counters on vs off: ${strategy} ${keyDist}`);
      try {
        counters.push(await counterCost(backend, specOf(caseId, cell, strategy), cfg.seed, cfg.counterPairs, cfg.counterReopen));
      } catch (e) {
        log(`counters on vs off failed for ${strategy} ${keyDist}: ${e instanceof Error ? e.message : e}`);
      }
    }
  }

  const doc = {
    kind: 'writeprof-bench',
    schemaVersion: 1,
    createdAt: new Date().toISOString(),
    environment: { host: hostname(), cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version,
      os: `${platform()} ${release()}`, backend: 'cpu', device: status.device ?? null, peerCompilerFlags: bins.flags },
    config: { ...cfg, quick: args.quick, peerValues: PEER_VALUES },
    peer: { name: 'libcuckoo', version: `${cuckoo.libcuckooVersion() ?? 'unknown'} (Debian libcuckoo-dev)`, runs: peerRuns },
    limits: { memcpy: memcpyRuns },
    rows,
    harness: { overhead, counters },
  };
  doc.targets = evaluateTargets(doc);

  const stamp = doc.createdAt.replace(/[:.]/g, '-');
  const file = resolve(args.output ?? join(root, 'reports', `bench-${stamp}.json`));
  writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`, { inputs: [] });
  process.stdout.write(`${renderBench(doc)}\n`);
  process.stdout.write(`bench JSON: ${file}\n`);

  const failedRows = rows.filter((r) => r.status !== 'ok');
  if (failedRows.length > 0) {
    process.stderr.write(`bench: ${failedRows.length} case(s) failed: ${failedRows.map((r) => r.id).join(', ')}\n`);
    return 1;
  }
  return args.strict && doc.targets.some((t) => !t.pass) ? 1 : 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (e) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
