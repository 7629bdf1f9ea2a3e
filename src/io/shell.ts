/**
 * Words of a command line writeprof prints for the user to run (resume a run, submit a sweep by
 * hand): each argument quoted so that a shell reads it back as exactly one word, whatever it
 * holds. Plain words stay as they are; others are single-quoted; a word holding a control
 * character is written $'...' with printable()'s escapes (which bash reads back), so that what
 * is printed stays one printable line.
 */
import { isPrintable, printable } from './sanitize.js';

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellArg(s: string): string {
  if (PLAIN.test(s)) return s;
  if (isPrintable(s)) return `'${s.replace(/'/g, `'\\''`)}'`;
  return `$'${printable(s.replace(/[\\']/g, '\\$&'))}'`;
}

/** A command line of words, each quoted by shellArg. */
export function shellLine(words: readonly string[]): string {
  return words.map(shellArg).join(' ');
}
