/**
 * Names writeprof makes beside a target (temp files, the journal) stay within the file-name
 * limit (255 bytes on Linux file systems): a legal 250-byte target name must not be refused
 * because a helper file's name would be longer.
 */
import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export const NAME_MAX = 255;

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The longest prefix of `s` (whole characters) of at most `max` UTF-8 bytes. */
function clip(s: string, max: number): string {
  let out = '';
  for (const ch of s) {
    if (bytes(out + ch) > max) break;
    out += ch;
  }
  return out;
}

/** `prefix + name + suffix`, with `name` shortened (and a hash of it kept) when too long. */
export function sibling(name: string, prefix: string, suffix: string): string {
  const whole = `${prefix}${name}${suffix}`;
  if (bytes(whole) <= NAME_MAX) return whole;
  const tag = `~${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
  return `${prefix}${clip(name, NAME_MAX - bytes(prefix) - bytes(suffix) - tag.length)}${tag}${suffix}`;
}

/** A hidden, unique temp name in `path`'s directory. */
export function tempPathFor(path: string): string {
  return join(dirname(path), sibling(basename(path), '.', `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`));
}

/** The journal of finished cases kept beside a results target while a run goes on. */
export function journalPathFor(target: string): string {
  return join(dirname(target), sibling(basename(target), '', '.journal'));
}
