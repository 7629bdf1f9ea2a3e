/**
 * Slurm settings of a fleet sweep, checked before anything is written: each becomes an #SBATCH
 * line, so a value must be one word of the shape sbatch accepts (no spaces, quotes or newlines).
 */
import { invalid } from '../errors.js';

export interface SlurmSettings {
  partition?: string;
  gres?: string;
  time?: string;
  account?: string;
  qos?: string;
  constraint?: string;
  cpusPerTask?: string;
  mem?: string;
}

export const SLURM_FIELDS = ['partition', 'gres', 'time', 'account', 'qos', 'constraint', 'cpusPerTask', 'mem'] as const;
export type SlurmField = (typeof SLURM_FIELDS)[number];

const NAME = /^[A-Za-z0-9_.+-]+(,[A-Za-z0-9_.+-]+)*$/;
const RULES: Record<SlurmField, { flag: string; re: RegExp; allowed: string }> = {
  partition: { flag: '--partition', re: NAME, allowed: 'a partition name, or a comma-separated list of them' },
  gres: { flag: '--gres', re: /^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*(,[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*)*$/, allowed: 'name[:type][:count], e.g. gpu:1 or gpu:h100:1' },
  time: {
    flag: '--time',
    re: /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+|\d+-\d+:\d{1,2}|\d+-\d+:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE)$/i,
    allowed: 'minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS',
  },
  account: { flag: '--account', re: NAME, allowed: 'an account name' },
  qos: { flag: '--qos', re: NAME, allowed: 'a QOS name' },
  constraint: { flag: '--constraint', re: /^[A-Za-z0-9_.&|!*[\]():,-]+$/, allowed: 'a feature expression without spaces, e.g. h100 or "a100|h100"' },
  cpusPerTask: { flag: '--cpus-per-task', re: /^[1-9]\d{0,3}$/, allowed: 'an integer from 1 to 9999' },
  mem: { flag: '--mem', re: /^\d+[KMGT]?$/i, allowed: 'a size in MB, or with a K, M, G or T suffix (e.g. 16G)' },
};

export function flagOf(field: SlurmField): string {
  return RULES[field].flag;
}

/** The settings given, each checked (exit 2 naming the flag). */
export function parseSlurmSettings(raw: Partial<Record<SlurmField, string>>): SlurmSettings {
  const out: SlurmSettings = {};
  for (const f of SLURM_FIELDS) {
    const v = raw[f];
    if (v === undefined) continue;
    if (!RULES[f].re.test(v)) throw invalid(RULES[f].flag, v, RULES[f].allowed);
    out[f] = v;
  }
  return out;
}

/** sbatch options ("--partition=gpu"); `forMerge` leaves out what only the measuring shards need. */
export function sbatchOptions(s: SlurmSettings, forMerge = false): string[] {
  const skip: SlurmField[] = forMerge ? ['gres', 'constraint', 'cpusPerTask', 'mem'] : [];
  return SLURM_FIELDS.filter((f) => s[f] !== undefined && !skip.includes(f)).map((f) => `${RULES[f].flag}=${s[f]}`);
}
