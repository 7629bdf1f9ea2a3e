/** --redis-url parsing, and a password that no message, description or redaction ever shows. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeEndpoint, parseRedisUrl, redactUrl } from '../../src/backends/redis/url.js';
import { UsageError } from '../../src/errors.js';

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseRedisUrl', () => {
  it.each([
    ['redis://127.0.0.1:6379', { host: '127.0.0.1', port: 6379, db: 0, user: '', password: '' }],
    ['redis://127.0.0.1:6390/3', { host: '127.0.0.1', port: 6390, db: 3, user: '', password: '' }],
    ['redis://:s3cret@localhost:7000/0', { host: 'localhost', port: 7000, db: 0, user: '', password: 's3cret' }],
    ['redis://alice:p%40ss%2Fw@[::1]:6379/2', { host: '::1', port: 6379, db: 2, user: 'alice', password: 'p@ss/w' }],
  ])('%s', (raw, want) => {
    expect(parseRedisUrl(raw)).toEqual(want);
  });

  it.each([
    ['127.0.0.1:6379', 'not a URL'],
    ['http://127.0.0.1:6379', 'scheme http: is not redis:'],
    ['rediss://h:6379', 'TLS (rediss://) is not supported'],
    ['redis://h', 'no port'],
    ['redis://h:6379/x', 'database "x" is not a number'],
    ['redis://h:6379/0?timeout=1', 'query and fragment are not supported'],
    ['redis://bob@h:6379', 'a user without a password'],
  ])('refuses %s: %s', (raw, why) => {
    const msg = errorOf(() => parseRedisUrl(raw));
    expect(msg).toContain(why);
    expect(msg).toMatch(/^--redis-url: ".*" is invalid \(.*\); allowed: redis:\/\/\[user:password@\]host:port\[\/db\]$/);
  });

  it('takes the password from the environment when the URL has none (command lines are public)', () => {
    expect(parseRedisUrl('redis://alice@h:1/2', 'from-env')).toMatchObject({ user: 'alice', password: 'from-env' });
    expect(parseRedisUrl('redis://:in-url@h:1', 'from-env').password).toBe('in-url');
  });

  it('describes an endpoint without its password', () => {
    expect(describeEndpoint(parseRedisUrl('redis://alice:topsecret@h:1/2'))).toBe('redis://alice:***@h:1/2');
    expect(describeEndpoint(parseRedisUrl('redis://:topsecret@h:1'))).toBe('redis://:***@h:1/0');
  });

  it('never shows the password: not in the redaction, the description or any refusal', () => {
    // Passwords of letters, digits and the characters that break naive URL handling (@ / : %).
    // A leading "Zq" makes a password that cannot occur in the output unless it leaked.
    const password = fc.stringMatching(/^[A-Za-z0-9@/:%#?._-]{4,24}$/).map((p) => `Zq${p}`);
    const tail = fc.constantFrom(':6379/0', ':6379', ':notaport', '/1', ':6379/x', ':6379/0?x=1', '');
    fc.assert(
      fc.property(password, fc.constantFrom('', 'alice'), tail, (pw, user, rest) => {
        const raw = `redis://${user}:${pw}@127.0.0.1${rest}`;
        const shown: string[] = [redactUrl(raw)];
        try {
          shown.push(describeEndpoint(parseRedisUrl(raw)));
        } catch (err) {
          shown.push((err as Error).message);
        }
        for (const s of shown) expect(s).not.toContain(pw);
      }),
      { numRuns: 300 },
    );
  });
});
