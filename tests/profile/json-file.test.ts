import { describe, expect, it } from 'vitest';
import { formatPath, parseJson } from '../../src/io/json.js';

function errorOf(text: string) {
  const r = parseJson(text);
  if (r.ok) throw new Error('expected a syntax error');
  return r.error;
}

describe('parseJson error locations', () => {
  it.each([
    ['{"a": }', 1, 7, "unexpected '}'; expected a value"],
    ['{\n  "a": 1,\n}', 3, 1, "unexpected '}'; expected a double-quoted property name"],
    ['{"a" 1}', 1, 6, "unexpected '1'; expected ':'"],
    ['', 1, 1, 'unexpected end of input; expected a value'],
    ['[1,2', 1, 5, "unexpected end of input; expected ',' or ']'"],
    ['{"a":tru}', 1, 6, "unexpected 't'; expected a value"],
    ['{"a": "b\nc"}', 1, 9, 'line break inside a string'],
    ['{"a": 1} x', 1, 10, "unexpected 'x' after the JSON value"],
    ['{"a": 01}', 1, 8, "unexpected '1'; expected ',' or '}'"],
    ['{"a": "\\q"}', 1, 8, 'invalid escape in string'],
    ['\n\n  [1, -]', 3, 7, 'invalid number'],
  ])('%j → line %d column %d', (text, line, column, message) => {
    expect(errorOf(text)).toEqual({ line, column, message });
  });

  it('parses valid JSON, with or without a byte-order mark', () => {
    expect(parseJson('\uFEFF{"a":[1,2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
  });

  it('survives nesting deeper than the stack', () => {
    const e = errorOf('['.repeat(200_000));
    expect(e.line).toBe(1);
    expect(e.message).toMatch(/nested deeper than 64 levels/);
  });

  it('formats issue paths', () => {
    expect(formatPath(['cases', 3, 'stats', 'median'])).toBe('cases[3].stats.median');
    expect(formatPath([])).toBe('(document)');
  });
});
