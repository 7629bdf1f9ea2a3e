/**
 * The redis-server writeprof manages: 127.0.0.1, an ephemeral port, no persistence (or AOF when
 * asked), a private directory removed on stop, and no server left behind when the process dies
 * of an uncaught error.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../../src/backends/native.js';
import { startManagedRedis } from '../../src/backends/redis/server.js';
import { UsageError } from '../../src/errors.js';
import { alive } from './redis-server.js';

const ready = async (port: number): Promise<void> => {
  await loadAddon().redisInfo({ host: '127.0.0.1', port, db: 0, user: '', password: '', prefix: '', timeoutMs: 1000, command: 'set' });
};

function config(port: number, name: string): string {
  return spawnSync('redis-cli', ['-p', String(port), 'CONFIG', 'GET', name], { encoding: 'utf8' }).stdout.trim().split('\n')[1] ?? '';
}

const ownDirs = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith(`writeprof-redis-${process.pid}-`));

describe('startManagedRedis', () => {
  it.each([
    ['none', { appendonly: 'no', save: '' }],
    ['aof', { appendonly: 'yes', save: '' }],
  ] as const)('persistence %s: bound to 127.0.0.1, configured as asked; stop() ends it and removes its files', async (persistence, want) => {
    const s = await startManagedRedis({ persistence, ready });
    expect(s.host).toBe('127.0.0.1');
    expect(alive(s.pid)).toBe(true);
    expect(config(s.port, 'bind')).toBe('127.0.0.1');
    expect(config(s.port, 'appendonly')).toBe(want.appendonly);
    expect(config(s.port, 'save')).toBe(want.save);
    expect(ownDirs()).toHaveLength(1);
    await s.stop();
    expect(s.exitReason()).toMatch(/^(exited with code 0|killed by SIGTERM)$/);
    expect(alive(s.pid)).toBe(false);
    expect(ownDirs()).toEqual([]);
    await s.stop(); // idempotent
  });

  it('a server binary that cannot start is a UsageError with the reason', async () => {
    const err = await startManagedRedis({ persistence: 'none', ready, binary: '/nonexistent/redis-server' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe('redis: redis-server not found at /nonexistent/redis-server; `make run` installs it (Debian package redis-server), or use --redis-url for a running server');
    expect(ownDirs()).toEqual([]);
  });

  it('no server outlives a process that dies of an uncaught error', () => {
    const script = `
      const { startManagedRedis } = await import(${JSON.stringify(join(import.meta.dirname, '../../dist/backends/redis/server.js'))});
      const { loadAddon } = await import(${JSON.stringify(join(import.meta.dirname, '../../dist/backends/native.js'))});
      const s = await startManagedRedis({ persistence: 'none', ready: (port) => loadAddon().redisInfo({ host: '127.0.0.1', port, db: 0, user: '', password: '', prefix: '', timeoutMs: 1000, command: 'set' }) });
      process.stdout.write(String(s.pid) + '\\n');
      throw new Error('the sweep crashed');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the sweep crashed');
    const pid = Number(r.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    // SIGKILL was sent on exit; the kernel reaps it a moment later.
    const end = Date.now() + 3000;
    while (alive(pid) && Date.now() < end) spawnSync('sleep', ['0.05']);
    expect(alive(pid)).toBe(false);
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith(`writeprof-redis-${r.pid}-`))).toEqual([]);
  });
});
