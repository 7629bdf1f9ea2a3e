/**
 * A Redis password never reaches a message, whatever the spelling of the URL around it: with or
 * without "//", a scheme misspelled or missing, backslashes, no host, a bad port or database,
 * a query. Generated spellings go through the parser's messages in process (many of them), and
 * a sample of them through the built CLI (a real child process: what the user sees).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEndpoint, parseRedisUrl, redactUrl } from '../../src/backends/redis/url.js';
import { requireCli, runCli, tempDir } from './helpers.js';

beforeAll(requireCli);

// A password that cannot occur in a message by chance: "Zq" and at least 4 more characters,
// including those that break naive URL handling.
const password = fc.stringMatching(/^[A-Za-z0-9@/:%#?._~!$&'()*+,;=-]{4,20}$/).map((p) => `Zq${p}`);
const scheme = fc.constantFrom('redis://', 'redis:/', 'redis:', 'redis:///', 'redis:\\\\', 'REDIS://', 'rediss://', 'http://', '//', '', 'redis//', ' redis://');
const user = fc.constantFrom('', 'alice', 'a:b');
const rest = fc.constantFrom('127.0.0.1:6379/0', '127.0.0.1:6379', 'h:notaport', 'h:6379/x', 'h:6379/0?x=1', 'h:6379/0#f', '', '[::1]:6379/1', 'h:99999');
const spelling = fc.tuple(scheme, user, password, rest).map(([s, u, p, r]) => ({ raw: `${s}${u}:${p}@${r}`, pw: p }));

/** What the user could see of `raw`: the redaction, the description, or the refusal. */
function shown(raw: string): string[] {
  const out = [redactUrl(raw)];
  try {
    out.push(describeEndpoint(parseRedisUrl(raw)));
  } catch (err) {
    out.push((err as Error).message);
  }
  return out;
}

describe('no secret in any message, for any spelling of --redis-url', () => {
  it('generated spellings: the password is in no redaction, description or refusal', () => {
    fc.assert(
      fc.property(spelling, ({ raw, pw }) => {
        for (const s of shown(raw)) {
          expect(s).not.toContain(pw);
          expect(s).not.toContain(pw.slice(2)); // nor its tail, decoded or not
        }
      }),
      { numRuns: 2000 },
    );
  });

  it.concurrent.each(['redis:/:ZqSecret1@127.0.0.1:6379/0', 'redis::ZqSecret2@127.0.0.1:6379', 'redis:\\\\:ZqSecret3@h:6379', '//u:ZqSecret4@h:1', 'redis://:ZqSecret5@h:6379/0?db=1'])(
    'the CLI refuses %s in one line without the password (exit 2)',
    async (raw) => {
      const r = await runCli(['run', '--backend', 'redis', '--redis-url', raw, '--profile', 'quick', '-o', `${tempDir('secret')}/r.json`]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^writeprof: --redis-url: /);
      expect(r.stderr + r.stdout).not.toMatch(/ZqSecret/);
    },
  );
});
