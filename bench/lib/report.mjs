// Terminal rendering of a bench document: the rows table, the reference figures, the harness
// measurements and the target verdicts. Colours come from chalk (off without a terminal or
// with NO_COLOR).
import chalk from 'chalk';
import Table from 'cli-table3';
import { fmtGB, fmtInt } from './targets.mjs';

const size = (v) => (v >= 1024 ? `${v / 1024}K` : `${v}B`);
const ratio = (x, digits = 2) => (Number.isFinite(x) ? `${x.toFixed(digits)}x` : '-');
const pct = (x, digits = 1) => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '-');
// Compact tables: no rule between rows (cells are separated by one blank row instead).
const STYLE = { style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } };
const perW = (x) => (Number.isFinite(x) ? (x === 0 ? '0' : x.toFixed(3)) : '-');

export function renderBench(doc) {
  const out = [];
  out.push(chalk.bold(`writeprof bench: CPU backend vs libcuckoo ${doc.peer.version} and memcpy (${doc.environment.cpu}, ${doc.environment.cores} cores)`));
  out.push(`batch size ${doc.config.batchSize.toLocaleString('en-US')}, load factor ${doc.config.loadFactor}, ` +
    `per cell ${doc.config.rounds} rounds of (memcpy, libcuckoo, ${doc.config.samplesPerRound} samples of each strategy); medians of pooled samples`);
  const t = new Table({
    head: ['Mode', 'Thr', 'Value', 'Keys', 'Strategy', 'ops/sec', 'per thread', 'GB/s', 'vs baseline', 'vs libcuckoo', 'of memcpy', 'lockRetries/w', 'casFailures/w', 'probeSteps/w'],
    ...STYLE,
  });
  for (const r of doc.rows) {
    const label = [r.mode, String(r.threads), `${size(r.valueSize)}${r.keyDist === 'uniform' ? '' : ` ${r.keyDist}`}`, fmtInt(r.keys), r.strategy];
    if (r.status !== 'ok') {
      t.push([...label, { colSpan: 9, content: chalk.red(`${r.status}: ${r.error}`) }]);
      continue;
    }
    const c = r.countersPerWrite;
    t.push([...label, fmtInt(r.opsPerSec), fmtInt(r.opsPerSecPerThread), (r.bytesPerSec / 1e9).toFixed(2),
      r.strategy === 'baseline' ? '1.00x' : ratio(r.vsBaseline), ratio(r.vsPeer), pct(r.vsMemcpy), perW(c.lockRetries), perW(c.casFailures), perW(c.probeSteps)]);
  }
  out.push(t.toString());

  const p = new Table({ head: ['Cell references', 'Thr', 'memcpy GB/s', 'memset GB/s', 'libcuckoo inline ops/s', 'arena ops/s', 'peer (faster)'], ...STYLE });
  doc.peer.runs.forEach((x, i) => {
    const m = doc.limits.memcpy[i];
    p.push([`${x.mode} ${size(x.valueSize)} ${x.keyDist}`, String(x.threads), m ? (m.bytesPerSec / 1e9).toFixed(2) : '-',
      m && Number.isFinite(m.setBytesPerSec) ? (m.setBytesPerSec / 1e9).toFixed(2) : '-',
      x.inline ? fmtInt(x.inline.opsPerSec) : '-', fmtInt(x.arena.opsPerSec), `${fmtInt(x.best.opsPerSec)} (${x.best.store})`]);
  });
  out.push(p.toString());
  const m0 = doc.limits.memcpy[0];
  if (m0) out.push(`  memcpy: ${m0.bytesPerThread / 2 ** 20} MiB per thread, median of ${m0.reps} copies (memset: store-only, for reference); libcuckoo: value bytes ${doc.config.peerValues === 'fill' ? 'generated in the timed loop (as writeprof stages them)' : 'pre-generated'}, median of ${doc.config.rounds * doc.config.peerReps} repetitions per store`);

  const h = new Table({ head: ['Harness overhead', 'batch', 'keys', 'timed region', 'JS call (incl. reset+verify)', 'harness adds', 'of sample'], ...STYLE });
  for (const o of doc.harness.overhead)
    h.push([o.label, fmtInt(o.batchSize), fmtInt(o.keys), `${(o.sampleNs / 1e6).toFixed(3)} ms`, `${(o.jsNs / 1e6).toFixed(3)} ms`,
      `${(o.overheadNs / 1e3).toFixed(1)} us`, pct(o.fraction, 3)]);
  out.push(h.toString());
  const methods = [...new Set(doc.harness.overhead.map((o) => o.method))];
  for (const m of methods) out.push(`  overhead method: ${m}`);
  const fixed = Math.max(...doc.harness.overhead.map((o) => o.overheadNs));
  if (Number.isFinite(fixed)) out.push(`  the harness's cost per sample is fixed (~${(fixed / 1e3).toFixed(0)} us): under 1% for samples longer than ${(fixed * 100 / 1e6).toFixed(1)} ms`);

  const k = new Table({ head: ['Counters on vs off', 'dist', 'on ops/sec', 'off ops/sec', 'cost (paired median)', '95% CI'], ...STYLE });
  for (const c of doc.harness.counters)
    k.push([c.strategy, c.keyDist, fmtInt(c.onOpsPerSec), fmtInt(c.offOpsPerSec), pct(c.cost, 2), c.costCI ? `${pct(c.costCI[0], 1)} .. ${pct(c.costCI[1], 1)}` : '-']);
  out.push(k.toString());

  out.push(chalk.bold('Targets:'));
  for (const g of doc.targets) {
    const verdict = g.pass ? chalk.green('PASS') : chalk.red('FAIL');
    const measured = g.measured === null ? 'n/a' : g.id === 'memcpy-4K' || g.id.includes('overhead') || g.id.includes('cost') ? pct(g.measured, 2) : ratio(g.measured);
    const required = g.id === 'memcpy-4K' ? `>= ${pct(g.required, 0)}` : g.id.includes('overhead') || g.id.includes('cost') ? `< ${pct(g.required, 0)}` : `>= ${g.required}x`;
    out.push(`  ${verdict}  ${g.id.padEnd(17)} measured ${measured}, required ${required} - ${g.detail}`);
  }
  return out.join('\n');
}
