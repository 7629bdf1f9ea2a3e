/**
 * Nesting depth of JSON text, found by one linear scan before anything recursive (JSON.parse,
 * the schema checks, the error scanner) sees it: deeply nested input is refused by position
 * instead of overflowing the stack.
 */
import { INPUT_LIMITS } from '../limits.js';

/** Offset of the first bracket that opens level `max + 1`, or -1 when the text stays within `max`. */
export function firstTooDeep(text: string, max = INPUT_LIMITS.maxJsonDepth): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return i;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return -1;
}
