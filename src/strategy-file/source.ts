/**
 * A user's strategy file (`--strategy-file my.cu`): read once, hashed, named. The file declares
 * its kernel against kernels/include/writeprof/kernel.cuh (WP_STRATEGY) and may name the
 * strategy with WP_STRATEGY_NAME("..."); else the file's stem names it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { printable } from '../io/sanitize.js';
import { isBuiltinStrategy, RESERVED_STRATEGY_NAMES, STRATEGY_FILE_NAME } from '../model.js';

/** Larger than any kernel file a person writes; a bound on what is read and hashed. */
const MAX_BYTES = 1 << 20;

export interface StrategySource {
  /** the strategy's name in every table, chart, claim and comparison */
  name: string;
  /** as given on the command line (what messages show) */
  shown: string;
  /** absolute */
  path: string;
  /** of the file's bytes, hex */
  sha256: string;
}

/** WP_STRATEGY_NAME("x") outside a // comment; the first one names the strategy. */
const NAME_MACRO = /^[^\n/]*\bWP_STRATEGY_NAME\s*\(\s*"([^"\\\n]*)"\s*\)/m;
const DECLARES = /\bWP_STRATEGY\s*\(/;

function refuse(shown: string, why: string, field = '--strategy-file'): UsageError {
  return new UsageError(`${field}: ${printable(shown)}: ${why}`);
}

/** The name a file's text gives its strategy, and where it came from. */
export function declaredName(text: string, path: string): { name: string; from: string } {
  const m = NAME_MACRO.exec(text);
  return m ? { name: m[1]!, from: 'WP_STRATEGY_NAME' } : { name: basename(path, '.cu'), from: 'the file\'s stem (WP_STRATEGY_NAME names it otherwise)' };
}

/**
 * `field` names the option in messages; `nameAs` runs the file under another strategy's name (ab's
 * base version pairs with the head's cases whatever its own name).
 */
export function readStrategySource(given: string, o: { field?: string; nameAs?: string } = {}): StrategySource {
  const fail = (why: string): UsageError => refuse(given, why, o.field);
  const path = resolve(given);
  let bytes: Buffer;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw fail('not a file');
    if (st.size > MAX_BYTES) throw fail(`${st.size} bytes; a strategy file is at most ${MAX_BYTES} bytes`);
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot be read (${code ?? String(err)})`);
  }
  if (!path.endsWith('.cu')) throw fail('a strategy file is CUDA source named *.cu');
  const text = bytes.toString('utf8');
  if (!DECLARES.test(text)) {
    throw fail('declares no strategy; allowed: a file with WP_STRATEGY(body, block, writesPerBlock, order) (kernels/include/writeprof/kernel.cuh)');
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (o.nameAs !== undefined) return { name: o.nameAs, shown: given, path, sha256 };
  const { name, from } = declaredName(text, path);
  if (isBuiltinStrategy(name) || RESERVED_STRATEGY_NAMES.includes(name)) {
    throw fail(`the name ${JSON.stringify(name)} (from ${from}) is taken; allowed: any name but ${RESERVED_STRATEGY_NAMES.join(', ')}`);
  }
  if (!STRATEGY_FILE_NAME.test(name)) {
    throw fail(`the name ${JSON.stringify(printable(name))} (from ${from}) is invalid; allowed: a lower-case letter, then up to 39 lower-case letters, digits, - and _`);
  }
  return { name, shown: given, path, sha256 };
}

/** Every --strategy-file, each once, no two strategies of one name. */
export function readStrategySources(given: readonly string[]): StrategySource[] {
  const out: StrategySource[] = [];
  for (const g of given) {
    const s = readStrategySource(g);
    const same = out.find((o) => o.path === s.path || o.name === s.name);
    if (same) {
      throw refuse(g, same.path === s.path ? 'given twice' : `names its strategy ${JSON.stringify(s.name)}, as ${printable(same.shown)} does; each strategy file needs a name of its own`);
    }
    out.push(s);
  }
  return out;
}
