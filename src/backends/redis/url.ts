/**
 * `--redis-url redis://[user:pass@]host:port[/db]`: parsed into an endpoint, and shown only
 * redacted. The password goes to the native client and nowhere else: not in messages, results,
 * notes or logs (every message here is built from the redacted form).
 */
import { UsageError } from '../../errors.js';
import { REDIS_LIMITS } from '../../limits.js';

export interface RedisEndpoint {
  host: string;
  port: number;
  db: number;
  /** ACL user; empty: the default user */
  user: string;
  /** empty: no AUTH */
  password: string;
}

const FLAG = '--redis-url';
const FORM = 'redis://[user:password@]host:port[/db]';

/**
 * The URL with its credentials replaced by `***`; works on any string, parsed or not, whatever
 * its spelling (`redis://`, `redis:/`, `redis:`, `//`, backslashes or no scheme at all).
 * Everything between the scheme (and the slashes after it) and the last "@" counts as
 * credentials (a password may hold an unescaped "@" or "/"). Only in the proper form
 * `scheme://user:password@` is the user (before the first ":") kept; in any other spelling
 * nothing tells a user from a password, and all of it is hidden.
 */
export function redactUrl(raw: string): string {
  const at = raw.lastIndexOf('@');
  if (at < 0) return raw;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:)?([/\\]*)/.exec(raw)!;
  const start = m[0].length;
  const cred = raw.slice(start, at);
  const colon = cred.indexOf(':');
  const user = m[1] !== undefined && m[2] === '//' && colon >= 0 ? `${cred.slice(0, colon)}:` : '';
  return `${raw.slice(0, start)}${user}***${raw.slice(at)}`;
}

function bad(raw: string, why: string): UsageError {
  return new UsageError(`${FLAG}: ${JSON.stringify(redactUrl(raw))} is invalid (${why}); allowed: ${FORM}`);
}

/**
 * `fallbackPassword` (the WRITEPROF_REDIS_PASSWORD environment variable) is used when the URL
 * carries none: a command line is visible to every user of the machine (`ps`), the environment not.
 */
export function parseRedisUrl(raw: string, fallbackPassword = ''): RedisEndpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad(raw, 'not a URL');
  }
  if (url.protocol === 'rediss:') throw bad(raw, 'TLS (rediss://) is not supported');
  if (url.protocol !== 'redis:') throw bad(raw, `scheme ${url.protocol} is not redis:`);
  if (url.search || url.hash) throw bad(raw, 'query and fragment are not supported');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw bad(raw, 'no host');
  if (!url.port) throw bad(raw, 'no port: name it, e.g. :6379');
  const port = Number(url.port);
  const path = url.pathname === '' || url.pathname === '/' ? '0' : url.pathname.slice(1);
  if (!/^\d{1,7}$/.test(path)) throw bad(raw, `database ${JSON.stringify(path)} is not a number`);
  if (Number(path) > REDIS_LIMITS.db.max) throw bad(raw, `database ${path} is out of range (${REDIS_LIMITS.db.allowed})`);
  let user: string;
  let password: string;
  try {
    user = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    throw bad(raw, 'malformed percent-encoding in the credentials');
  }
  if (!password) password = fallbackPassword;
  if (user && !password) throw bad(raw, 'a user without a password (in the URL or WRITEPROF_REDIS_PASSWORD)');
  return { host, port, db: Number(path), user, password };
}

/** How an endpoint is shown: no password, ever. */
export function describeEndpoint(e: RedisEndpoint): string {
  const who = e.user ? `${e.user}:***@` : e.password ? ':***@' : '';
  const host = e.host.includes(':') ? `[${e.host}]` : e.host;
  return `redis://${who}${host}:${e.port}/${e.db}`;
}
