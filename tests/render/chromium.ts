/**
 * Opens a page in a real headless Chromium (Debian's `chromium`, installed by `make test`) and
 * reports what a reader would meet: console errors and uncaught exceptions, every request that
 * left the file (a self-contained page makes none), facts about the rendered DOM, and a
 * screenshot. Driven over the DevTools protocol on a pipe (--remote-debugging-pipe: fd 3 in,
 * fd 4 out, messages ending in NUL), so no port is opened.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { inflateSync } from 'node:zlib';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface PageVisit {
  /** console.error/warn calls, uncaught exceptions and error log entries */
  errors: string[];
  /** URLs requested that are not the page itself or inline data */
  requests: string[];
  /** the page's answer to `probe` (a JSON-serialisable value) */
  probe: unknown;
  /** PNG bytes of the viewport */
  screenshot: Buffer;
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

export async function visit(url: string, probe: string, o: { width?: number; height?: number; timeoutMs?: number } = {}): Promise<PageVisit> {
  const profile = mkdtempSync(join(tmpdir(), 'wp-chromium-'));
  const child = spawn('chromium', [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    // Its own process group: the helpers it starts (renderer, utility, crash handler) end with it.
    detached: true,
  });
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  const listeners: ((m: Message) => void)[] = [];
  let buf = '';
  fromBrowser.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let at: number;
    while ((at = buf.indexOf('\0')) >= 0) {
      const m = JSON.parse(buf.slice(0, at)) as Message;
      buf = buf.slice(at + 1);
      if (m.id !== undefined && pending.has(m.id)) {
        const p = pending.get(m.id)!;
        pending.delete(m.id);
        if (m.error) p.reject(new Error(m.error.message));
        else p.resolve(m);
      } else for (const l of listeners) l(m);
    }
  });
  let next = 1;
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Message> =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 45_000);
  try {
    const errors: string[] = [];
    const requests: string[] = [];
    let loaded!: () => void;
    const load = new Promise<void>((done) => (loaded = done));
    listeners.push((m) => {
      const p = m.params ?? {};
      if (m.method === 'Runtime.consoleAPICalled' && (p['type'] === 'error' || p['type'] === 'warning' || p['type'] === 'assert')) errors.push(`console.${String(p['type'])}: ${JSON.stringify(p['args'])}`);
      if (m.method === 'Runtime.exceptionThrown') errors.push(`exception: ${JSON.stringify(p['exceptionDetails'])}`);
      if (m.method === 'Log.entryAdded') {
        const e = p['entry'] as { level: string; text: string; url?: string };
        if (e.level === 'error' || e.level === 'warning') errors.push(`log ${e.level}: ${e.text}${e.url ? ` (${e.url})` : ''}`);
      }
      if (m.method === 'Network.requestWillBeSent') {
        const u = String((p['request'] as { url: string }).url);
        if (u !== url && !u.startsWith('data:') && u !== 'about:blank') requests.push(u);
      }
      if (m.method === 'Page.loadEventFired') loaded();
    });
    const { result } = await send('Target.createTarget', { url: 'about:blank' });
    const attached = await send('Target.attachToTarget', { targetId: result!['targetId'], flatten: true });
    const session = String(attached.result!['sessionId']);
    for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await send(`${domain}.enable`, {}, session);
    await send('Emulation.setDeviceMetricsOverride', { width: o.width ?? 1200, height: o.height ?? 1600, deviceScaleFactor: 1, mobile: false }, session);
    await send('Page.navigate', { url }, session);
    await load;
    const evaluated = await send('Runtime.evaluate', { expression: probe, returnByValue: true }, session);
    const shot = await send('Page.captureScreenshot', { format: 'png' }, session);
    // Messages a page logs after its load event (late errors) get a moment to arrive.
    await new Promise((r) => setTimeout(r, 300));
    await send('Browser.close').catch(() => undefined);
    return {
      errors,
      requests,
      probe: (evaluated.result!['result'] as { value: unknown }).value,
      screenshot: Buffer.from(String(shot.result!['data']), 'base64'),
    };
  } catch (err) {
    throw new Error(`chromium: ${(err as Error).message}; stderr: ${stderr.slice(-2000)}`);
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* the group has ended already */
    }
    // A helper may still be closing its files in the profile: retry the removal.
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

/** Decodes an 8-bit RGB or RGBA PNG (what Chromium writes) into its pixels. */
export function decodePng(png: Buffer): { width: number; height: number; channels: number; pixels: Buffer } {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('ascii', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || (data[9] !== 2 && data[9] !== 6) || data[12] !== 0) throw new Error('only 8-bit RGB(A), non-interlaced');
      channels = data[9] === 6 ? 4 : 3;
    }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter];
      if (pred === undefined) throw new Error(`bad PNG filter ${filter}`);
      pixels[y * stride + x] = (line[x]! + pred) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** The share of pixels that are not (near) white: a blank page is 0. */
export function inkShare(png: Buffer): number {
  const { width, height, channels, pixels } = decodePng(png);
  let ink = 0;
  for (let i = 0; i < width * height; i++) {
    const o = i * channels;
    if (pixels[o]! < 235 || pixels[o + 1]! < 235 || pixels[o + 2]! < 235) ink++;
  }
  return ink / (width * height);
}
