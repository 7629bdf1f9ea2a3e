/**
 * The check addon's own functions against their declarations (src/backends/contract.ts):
 * configureCheck takes exactly the five tools as booleans and refuses anything else by name;
 * takeFindings and checkInfo return what FINDING and CHECK_INFO declare.
 */
import { describe, expect, it } from 'vitest';
import { CHECK_INFO, CHECK_TOOLS, checkFindings, outputProblem } from '../../src/backends/contract.js';
import { loadCheckAddon } from '../../src/backends/native.js';

const ALL = Object.fromEntries(Object.keys(CHECK_TOOLS).map((t) => [t, true])) as Record<keyof typeof CHECK_TOOLS, boolean>;

describe('the check addon contract', () => {
  it('configureCheck: every tool a boolean, nothing else', () => {
    const a = loadCheckAddon();
    expect(() => a.configureCheck(ALL)).not.toThrow();
    expect(() => a.configureCheck({ ...ALL, speedcheck: true } as typeof ALL)).toThrow(/^speedcheck: unknown tool; allowed: memcheck, racecheck, initcheck, synccheck, weak$/);
    expect(() => a.configureCheck({ ...ALL, weak: 1 } as unknown as typeof ALL)).toThrow(/^weak: expected true or false$/);
    const { memcheck: _m, ...missing } = ALL;
    expect(() => a.configureCheck(missing as typeof ALL)).toThrow(/^memcheck: expected true or false$/);
  });

  it('takeFindings and checkInfo return the declared fields', () => {
    const a = loadCheckAddon();
    a.configureCheck(ALL);
    expect(checkFindings(a.takeFindings())).toEqual([]);
    const info = a.checkInfo();
    expect(outputProblem(info as unknown as Record<string, unknown>, CHECK_INFO)).toBeUndefined();
    expect(info.module).toMatch(/writeprof_check\.node$/);
    expect(() => checkFindings([{ tool: 'racecheck' }])).toThrow(/\[0\] kind: missing/);
  });
});
