#!/usr/bin/env node
/**
 * A TCP server on 127.0.0.1 that speaks RESP like a small Redis (INFO, CONFIG GET, AUTH, SELECT,
 * SET, MSET, GET, UNLINK, PING) until a chosen command arrives, and then misbehaves on purpose:
 *   node bad-redis.mjs <how> <COMMAND> [port]
 *   how: huge-bulk   a bulk length of 2^31, then bytes as fast as the socket takes them
 *        huge-array  an array of 2^31 - 1 elements, then integers as fast as the socket takes them
 *        trickle     a long bulk reply, one byte every 3 s
 *        silent      no reply at all (the connection stays open)
 *        noauth      "-NOAUTH Authentication required." to every command but AUTH, which fails
 *        none        behaves (use a COMMAND never sent)
 * Prints the port on stdout once listening; every command received goes to stderr.
 */
import { createServer } from 'node:net';

const [how = 'silent', trigger = 'INFO', port = '0'] = process.argv.slice(2);
const store = new Map();

/** Parses as many whole RESP arrays of bulk strings as `buf` holds: [commands, bytes used]. */
function parse(buf) {
  const out = [];
  let at = 0;
  for (;;) {
    const start = at;
    const line = () => {
      const end = buf.indexOf('\r\n', at);
      if (end < 0) return undefined;
      const s = buf.subarray(at, end).toString('latin1');
      at = end + 2;
      return s;
    };
    const head = line();
    if (head === undefined || head[0] !== '*') return [out, start];
    const args = [];
    for (let n = Number(head.slice(1)); n > 0; n--) {
      const len = line();
      if (len === undefined || buf.length < at + Number(len.slice(1)) + 2) return [out, start];
      args.push(buf.subarray(at, at + Number(len.slice(1))));
      at += Number(len.slice(1)) + 2;
    }
    out.push(args);
  }
}

const bulk = (b) => Buffer.concat([Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n')]);

function normal(name, args) {
  switch (name) {
    case 'INFO':
      return bulk(Buffer.from('# Server\r\nredis_version:7.0.0\r\n'));
    case 'CONFIG':
      return Buffer.from('*0\r\n');
    case 'PING':
      return Buffer.from('+PONG\r\n');
    case 'AUTH':
    case 'SELECT':
      return Buffer.from('+OK\r\n');
    case 'SET':
      store.set(args[1].toString('latin1'), args[2]);
      return Buffer.from('+OK\r\n');
    case 'MSET':
      for (let i = 1; i + 1 < args.length; i += 2) store.set(args[i].toString('latin1'), args[i + 1]);
      return Buffer.from('+OK\r\n');
    case 'GET': {
      const v = store.get(args[1].toString('latin1'));
      return v ? bulk(v) : Buffer.from('$-1\r\n');
    }
    case 'UNLINK':
    case 'DEL': {
      let n = 0;
      for (const k of args.slice(1)) n += store.delete(k.toString('latin1')) ? 1 : 0;
      return Buffer.from(`:${n}\r\n`);
    }
    default:
      return Buffer.from(`-ERR unknown command '${name}'\r\n`);
  }
}

/** Writes `chunk()` whenever the socket drains, until it closes. */
function flood(sock, chunk) {
  const more = () => {
    while (!sock.destroyed && sock.write(chunk()));
  };
  sock.on('drain', more);
  more();
}

function misbehave(sock) {
  if (how === 'huge-bulk') {
    sock.write(`$${2 ** 31}\r\n`);
    const block = Buffer.alloc(1 << 16, 0x61);
    flood(sock, () => block);
  } else if (how === 'huge-array') {
    sock.write(`*${2 ** 31 - 1}\r\n`);
    const block = Buffer.from(':1\r\n'.repeat(1 << 14));
    flood(sock, () => block);
  } else if (how === 'trickle') {
    const reply = Buffer.from(`$1000\r\n${'b'.repeat(1000)}\r\n`);
    let i = 0;
    const t = setInterval(() => (sock.destroyed || i >= reply.length ? clearInterval(t) : sock.write(reply.subarray(i, ++i))), 3000);
    sock.write(reply.subarray(0, ++i));
  }
  // silent: nothing
}

const server = createServer((sock) => {
  sock.on('error', () => undefined);
  let buf = Buffer.alloc(0);
  let gone = false;
  sock.on('data', (d) => {
    if (gone) return;
    buf = Buffer.concat([buf, d]);
    const [cmds, used] = parse(buf);
    buf = buf.subarray(used);
    for (const args of cmds) {
      const name = args[0].toString('latin1').toUpperCase();
      process.stderr.write(`${name}\n`);
      if (how === 'noauth') {
        sock.write(name === 'AUTH' ? '-WRONGPASS invalid username-password pair or user is disabled.\r\n' : '-NOAUTH Authentication required.\r\n');
        continue;
      }
      if (name === trigger) {
        gone = true;
        misbehave(sock);
        return;
      }
      sock.write(normal(name, args));
    }
  });
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
