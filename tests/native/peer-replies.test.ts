/**
 * The Redis client's bounds on one reply, in the addon itself (so `make sanitize` runs them under
 * ASan and UBSan): a server that announces a 2 GiB bulk or a 2^31-element array and streams, or
 * that sends one byte every 3 s, is refused at the byte, element or time limit with one line.
 * The server is tests/safety/bad-redis.mjs, a real TCP server speaking RESP badly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAddon, type NativeRedisTarget } from '../../src/backends/native.js';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), '..', 'safety', 'bad-redis.mjs');
const servers: ChildProcess[] = [];
afterAll(() => {
  for (const s of servers) s.kill('SIGKILL');
});

function badRedis(how: string, trigger: string): Promise<number> {
  const child = spawn(process.execPath, [SERVER, how, trigger], { stdio: ['ignore', 'pipe', 'ignore'] });
  servers.push(child);
  return new Promise((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
}

const target = (port: number, timeoutMs: number): NativeRedisTarget => ({ host: '127.0.0.1', port, db: 0, user: '', password: '', prefix: 'wptest:', timeoutMs, command: 'set' });

describe.concurrent('one Redis reply: bounded in bytes, elements and time', () => {
  it('a 2 GiB bulk, streamed: refused past 1 MiB', async () => {
    const port = await badRedis('huge-bulk', 'INFO');
    await expect(loadAddon().redisInfo(target(port, 10_000))).rejects.toThrow(/^redis 127\.0\.0\.1:\d+: INFO server: the reply is larger than 1048576 bytes; refused/);
  });

  it('an array of 2^31 - 1 elements: refused at the element limit (CONFIG GET is optional: the probe goes on)', async () => {
    const port = await badRedis('huge-array', 'CONFIG');
    const info = await loadAddon().redisInfo(target(port, 10_000));
    expect(info.version).toBe('7.0.0');
    expect(info.fields).toEqual({});
  });

  it('a byte every 3 s, within a 3.5 s timeout of every read: cut at the deadline of the whole reply', async () => {
    const port = await badRedis('trickle', 'INFO');
    await expect(loadAddon().redisInfo(target(port, 3500))).rejects.toThrow(/INFO server: no reply within 3500 ms \(timeout\)/);
  });
});
