/**
 * Engine-level tests of the string commands (native/commands/strings.cc), driven straight through
 * the N-API binding: frames are built by hand, `native.execute` runs them, and every reply is
 * compared byte for byte with what redis-server 7.0.15 answered to the same command sequence, in
 * RESP2 and in RESP3 (a third element is given only where the RESP3 bytes differ).
 *
 * The expected bytes were recorded from a real redis-server (FLUSHALL, then the group's commands in
 * order on one connection; HELLO 3 first for RESP3). TTLs are read with TTL right after being set,
 * so the rounding to whole seconds makes them exact. Each group runs twice: one `execute` per
 * command (a mismatch names the step), then the whole group as one batch (the pipelined path).
 * The WRONGTYPE group needs a second type and runs only once the engine registers HSET.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { native, Control, CONTROL_SIZE } from '../ts/native';

/** A step: the command, the RESP2 reply, and the RESP3 reply when it differs. */
type Step = [string[], string] | [string[], string, string];
interface Group {
  name: string;
  steps: Step[];
}

// The commands this file implements, with the arities of Redis's command table.
const STRING_COMMANDS: Array<[string, number]> = [
  ['set', -3], ['get', 2], ['getset', 3], ['getdel', 2], ['getex', -2], ['mget', -2], ['mset', -3],
  ['msetnx', -3], ['setnx', 3], ['setex', 4], ['psetex', 4], ['append', 3], ['strlen', 2],
  ['getrange', 4], ['substr', 4], ['setrange', 4], ['incr', 2], ['decr', 2], ['incrby', 3],
  ['decrby', 3], ['incrbyfloat', 3], ['lcs', -3],
];
// Engine-helper commands the recorded sequences also use.
const HELPER_COMMANDS: Array<[string, number]> = [
  ['flushall', -1], ['dbsize', 1], ['exists', -2], ['ttl', 2], ['expire', -3], ['object', -2],
  ['object|encoding', 3],
];

const GROUPS: Group[] = [
  {
    name: 'SET options, conditions and errors',
    steps: [
      [['set', 'k', 'v', 'ex', '10'], '+OK\r\n'],
      [['ttl', 'k'], ':10\r\n'],
      [['set', 'k', 'v', 'ex', '0'], '-ERR invalid expire time in \'set\' command\r\n'],
      [['set', 'k', 'v', 'ex', '-1'], '-ERR invalid expire time in \'set\' command\r\n'],
      [['set', 'k', 'v', 'ex', 'abc'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 'k', 'v', 'ex', '9223372036854775807'], '-ERR invalid expire time in \'set\' command\r\n'],
      [['set', 'k', 'v', 'px', '9223372036854775807'], '-ERR invalid expire time in \'set\' command\r\n'],
      [['set', 'k', 'v', 'exat', '9223372036854775807'], '-ERR invalid expire time in \'set\' command\r\n'],
      [['set', 'k', 'v', 'pxat', '9223372036854775807'], '+OK\r\n'],
      [['set', 'k', 'v', 'ex', '9223372036854775'], '-ERR invalid expire time in \'set\' command\r\n'],
      [['set', 'k', 'v', 'ex', '9223372036854'], '+OK\r\n'],
      [['set', 'k', 'v', 'px', '9223370000000000000'], '+OK\r\n'],
      [['set', 'k', 'v', 'px', '9223372000000000000'], '-ERR invalid expire time in \'set\' command\r\n'],
      [['set', 'k', 'v', 'exat', '9223372036854775'], '+OK\r\n'],
      [['set', 'k', 'v', 'px', '1.5'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 'k', 'v', 'ex', '10', 'px', '10'], '-ERR syntax error\r\n'],
      [['set', 'k', 'v', 'ex', '10', 'ex', '20'], '+OK\r\n'],
      [['ttl', 'k'], ':20\r\n'],
      [['set', 'k', 'v', 'nx', 'xx'], '-ERR syntax error\r\n'],
      [['set', 'k', 'v', 'nx', 'nx'], '$-1\r\n', '_\r\n'],
      [['set', 'k', 'v', 'get', 'nx'], '$1\r\nv\r\n'],
      [['set', 'k', 'v', 'get', 'xx'], '$1\r\nv\r\n'],
      [['set', 'k', 'v', 'get'], '$1\r\nv\r\n'],
      [['set', 'k', 'v', 'keepttl', 'ex', '10'], '-ERR syntax error\r\n'],
      [['set', 'k', 'v', 'keepttl', 'keepttl'], '+OK\r\n'],
      [['set', 'k', 'v', 'ex'], '-ERR syntax error\r\n'],
      [['set', 'k', 'v', 'foo'], '-ERR syntax error\r\n'],
      [['set', 'k', 'v', 'EX', '10', 'keepttl'], '-ERR syntax error\r\n'],
      [['set', 'k', 'v', 'PERSIST'], '-ERR syntax error\r\n'],
      [['set', 'k', 'v', 'exat', '1'], '+OK\r\n'],
      [['get', 'k'], '$-1\r\n', '_\r\n'],
      [['set', 'k', 'v', 'pxat', '1'], '+OK\r\n'],
      [['exists', 'k'], ':0\r\n'],
      [['set', 'k', 'v', 'exat', '0'], '-ERR invalid expire time in \'set\' command\r\n'],
      [['set', 'k', 'v', 'pxat', '0'], '-ERR invalid expire time in \'set\' command\r\n'],
      [['set', 'k', 'v', 'pxat', '-1'], '-ERR invalid expire time in \'set\' command\r\n'],
      [['set', 'k', 'v', 'ex', '10', 'nx'], '+OK\r\n'],
      [['set', 'k2', 'v', 'nx', 'get'], '$-1\r\n', '_\r\n'],
      [['set', 'k2', 'w', 'nx', 'get'], '$1\r\nv\r\n'],
      [['get', 'k2'], '$1\r\nv\r\n'],
      [['set', 'k3', 'v', 'xx', 'get'], '$-1\r\n', '_\r\n'],
      [['set', 'k2', 'v2', 'xx', 'get'], '$1\r\nv\r\n'],
      [['set', 'k2', 'v3', 'xx'], '+OK\r\n'],
      [['set', 'k4', 'v3', 'xx'], '$-1\r\n', '_\r\n'],
      [['set', 'k4', 'v3', 'get'], '$-1\r\n', '_\r\n'],
      [['set', 'k4', 'v4', 'get'], '$2\r\nv3\r\n'],
      [['set', 'k', 'ex', '10'], '-ERR syntax error\r\n'],
      [['set', 'k', 'v', 'ex', '10', 'get', 'get'], '$1\r\nv\r\n'],
      [['set', 'k', 'v'], '+OK\r\n'],
      [['ttl', 'k'], ':-1\r\n'],
      [['set', 'k', 'v', 'ex', '100'], '+OK\r\n'],
      [['set', 'k', 'v2', 'keepttl'], '+OK\r\n'],
      [['ttl', 'k'], ':100\r\n'],
      [['set', 'k', 'v3'], '+OK\r\n'],
      [['ttl', 'k'], ':-1\r\n'],
      [['set', 'k', 'v', 'ex', 'abc', 'foo'], '-ERR syntax error\r\n'],
      [['set', 'k', 'v', 'ex', '0', 'foo'], '-ERR syntax error\r\n'],
      [['set', 'k', 'v', 'ex', '0', 'nx'], '-ERR invalid expire time in \'set\' command\r\n'],
      [['set', 'k', 'v', 'ex', 'abc', 'nx'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 'k', 'v', 'ex', '10', 'exat', '10'], '-ERR syntax error\r\n'],
      [['set', 'k', 'v', 'px', '10', 'pxat', '10'], '-ERR syntax error\r\n'],
      [['set', 'k', 'v', 'NX', 'Ex', '10', 'GeT'], '$2\r\nv3\r\n'],
      [['set', 'k', 'v', 'ex', '+10'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 'k', 'v', 'ex', '010'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 'k', 'v', 'ex', ' 10'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 'k', 'v', 'ex', '10.0'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 'k', 'v', 'ex', '-0'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 'k', 'v', 'ex', '1', 'keepttl'], '-ERR syntax error\r\n'],
      [['set', 'k', 'v', 'xx', 'xx'], '+OK\r\n'],
      [['set', 'k', 'v', 'keepttl', 'get'], '$1\r\nv\r\n'],
      [['set', 'k', 'v', 'get', 'keepttl', 'px', '1'], '-ERR syntax error\r\n'],
      [['set', 'k', 'v', 'get', 'ex'], '-ERR syntax error\r\n'],
      [['set', '', ''], '+OK\r\n'],
      [['get', ''], '$0\r\n\r\n'],
      [['set', 'bin', 'a\x00b\r\n\xff'], '+OK\r\n'],
      [['get', 'bin'], '$6\r\na\x00b\r\n\xff\r\n'],
      [['set', 'k\x00\r\n', 'x'], '+OK\r\n'],
      [['get', 'k\x00\r\n'], '$1\r\nx\r\n'],
      [['get', 'nokey'], '$-1\r\n', '_\r\n'],
      [['set', 'p', 'v', 'px', '100000'], '+OK\r\n'],
      [['ttl', 'p'], ':100\r\n'],
      [['set', 'e', 'v', 'exat', '1'], '+OK\r\n'],
      [['dbsize'], ':8\r\n'],
    ],
  },
  {
    name: 'GET, GETSET, GETDEL, GETEX',
    steps: [
      [['getex', 'nokey'], '$-1\r\n', '_\r\n'],
      [['getex', 'nokey', 'ex', '10'], '$-1\r\n', '_\r\n'],
      [['getex', 'nokey', 'foo'], '-ERR syntax error\r\n'],
      [['getex', 'nokey', 'ex', '0'], '$-1\r\n', '_\r\n'],
      [['getex', 'nokey', 'ex', 'abc'], '$-1\r\n', '_\r\n'],
      [['set', 'k', 'v'], '+OK\r\n'],
      [['getex', 'k'], '$1\r\nv\r\n'],
      [['getex', 'k', 'ex', '10'], '$1\r\nv\r\n'],
      [['ttl', 'k'], ':10\r\n'],
      [['getex', 'k', 'persist'], '$1\r\nv\r\n'],
      [['ttl', 'k'], ':-1\r\n'],
      [['getex', 'k', 'px', '5000'], '$1\r\nv\r\n'],
      [['ttl', 'k'], ':5\r\n'],
      [['getex', 'k', 'exat', '0'], '-ERR invalid expire time in \'getex\' command\r\n'],
      [['getex', 'k', 'ex', '0'], '-ERR invalid expire time in \'getex\' command\r\n'],
      [['getex', 'k', 'ex', '-5'], '-ERR invalid expire time in \'getex\' command\r\n'],
      [['getex', 'k', 'px', '0'], '-ERR invalid expire time in \'getex\' command\r\n'],
      [['getex', 'k', 'ex', '9223372036854775'], '-ERR invalid expire time in \'getex\' command\r\n'],
      [['getex', 'k', 'px', '9223372036854775807'], '-ERR invalid expire time in \'getex\' command\r\n'],
      [['getex', 'k', 'ex', '10', 'px', '10'], '-ERR syntax error\r\n'],
      [['getex', 'k', 'ex', '10', 'persist'], '-ERR syntax error\r\n'],
      [['getex', 'k', 'persist', 'persist'], '$1\r\nv\r\n'],
      [['getex', 'k', 'ex', '10', 'ex', '20'], '$1\r\nv\r\n'],
      [['ttl', 'k'], ':20\r\n'],
      [['getex', 'k', 'ex'], '-ERR syntax error\r\n'],
      [['getex', 'k', 'foo'], '-ERR syntax error\r\n'],
      [['getex', 'k', 'persist', 'ex', '10'], '-ERR syntax error\r\n'],
      [['getex', 'k', 'ex', 'abc', 'persist'], '-ERR syntax error\r\n'],
      [['getex', 'k', 'ex', '0', 'persist'], '-ERR syntax error\r\n'],
      [['getex', 'k', 'ex', 'abc'], '-ERR value is not an integer or out of range\r\n'],
      [['getex', 'k', 'PERSIST'], '$1\r\nv\r\n'],
      [['ttl', 'k'], ':-1\r\n'],
      [['getex', 'k', 'exat', '1'], '$1\r\nv\r\n'],
      [['exists', 'k'], ':0\r\n'],
      [['getdel', 'nokey'], '$-1\r\n', '_\r\n'],
      [['set', 'k', 'v'], '+OK\r\n'],
      [['getdel', 'k'], '$1\r\nv\r\n'],
      [['exists', 'k'], ':0\r\n'],
      [['getset', 'nokey', 'v'], '$-1\r\n', '_\r\n'],
      [['getset', 'nokey', 'w'], '$1\r\nv\r\n'],
      [['set', 'k', '123'], '+OK\r\n'],
      [['getex', 'k', 'ex', '10'], '$3\r\n123\r\n'],
      [['getex', 'k', 'persist'], '$3\r\n123\r\n'],
      [['ttl', 'k'], ':-1\r\n'],
      [['set', 'k', 'v', 'ex', '100'], '+OK\r\n'],
      [['getset', 'k', 'w'], '$1\r\nv\r\n'],
      [['ttl', 'k'], ':-1\r\n'],
      [['getex', 'k', 'ex', '10', 'keepttl'], '-ERR syntax error\r\n'],
      [['getex', 'k', 'keepttl'], '-ERR syntax error\r\n'],
      [['getex', 'k', 'nx'], '-ERR syntax error\r\n'],
      [['getex', 'k', 'get'], '-ERR syntax error\r\n'],
      [['set', 'i', '42'], '+OK\r\n'],
      [['get', 'i'], '$2\r\n42\r\n'],
      [['getdel', 'i'], '$2\r\n42\r\n'],
      [['get', 'i'], '$-1\r\n', '_\r\n'],
    ],
  },
  {
    name: 'MGET, MSET, MSETNX, SETNX, SETEX, PSETEX',
    steps: [
      [['set', 'a', '1'], '+OK\r\n'],
      [['mget', 'a', 'nokey', 'a'], '*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n1\r\n', '*3\r\n$1\r\n1\r\n_\r\n$1\r\n1\r\n'],
      [['mset', 'a', '2', 'b', '3'], '+OK\r\n'],
      [['mget', 'a', 'b'], '*2\r\n$1\r\n2\r\n$1\r\n3\r\n'],
      [['mset', 'a', '2', 'b'], '-ERR wrong number of arguments for \'mset\' command\r\n'],
      [['msetnx', 'x', '1', 'y', '2'], ':1\r\n'],
      [['msetnx', 'x', '1', 'z', '2'], ':0\r\n'],
      [['exists', 'z'], ':0\r\n'],
      [['msetnx', 'z', '1', 'z', '2'], ':1\r\n'],
      [['get', 'z'], '$1\r\n2\r\n'],
      [['msetnx', 'z'], '-ERR wrong number of arguments for \'msetnx\' command\r\n'],
      [['msetnx', 'q', '1', 'r'], '-ERR wrong number of arguments for \'msetnx\' command\r\n'],
      [['setnx', 'a', '5'], ':0\r\n'],
      [['setnx', 'new', '5'], ':1\r\n'],
      [['get', 'new'], '$1\r\n5\r\n'],
      [['setex', 'k', '10', 'v'], '+OK\r\n'],
      [['ttl', 'k'], ':10\r\n'],
      [['setex', 'k', '0', 'v'], '-ERR invalid expire time in \'setex\' command\r\n'],
      [['setex', 'k', '-1', 'v'], '-ERR invalid expire time in \'setex\' command\r\n'],
      [['setex', 'k', 'abc', 'v'], '-ERR value is not an integer or out of range\r\n'],
      [['setex', 'k', '9223372036854775', 'v'], '-ERR invalid expire time in \'setex\' command\r\n'],
      [['setex', 'k', '9223372036854', 'v'], '+OK\r\n'],
      [['psetex', 'k', '0', 'v'], '-ERR invalid expire time in \'psetex\' command\r\n'],
      [['psetex', 'k', '9223372036854775807', 'v'], '-ERR invalid expire time in \'psetex\' command\r\n'],
      [['psetex', 'k', '100000', 'v'], '+OK\r\n'],
      [['ttl', 'k'], ':100\r\n'],
      [['setex', 'k', '10.5', 'v'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 'e', 'v', 'ex', '100'], '+OK\r\n'],
      [['mset', 'e', 'w'], '+OK\r\n'],
      [['ttl', 'e'], ':-1\r\n'],
      [['set', 'e', 'v', 'ex', '100'], '+OK\r\n'],
      [['setnx', 'e', 'x'], ':0\r\n'],
      [['ttl', 'e'], ':100\r\n'],
    ],
  },
  {
    name: 'APPEND, STRLEN, GETRANGE, SUBSTR',
    steps: [
      [['append', 'k', 'hello'], ':5\r\n'],
      [['append', 'k', ' world'], ':11\r\n'],
      [['get', 'k'], '$11\r\nhello world\r\n'],
      [['object', 'encoding', 'k'], '$3\r\nraw\r\n'],
      [['append', 'n', '12'], ':2\r\n'],
      [['object', 'encoding', 'n'], '$3\r\nint\r\n'],
      [['append', 'n', '34'], ':4\r\n'],
      [['object', 'encoding', 'n'], '$3\r\nraw\r\n'],
      [['get', 'n'], '$4\r\n1234\r\n'],
      [['append', 'e', ''], ':0\r\n'],
      [['exists', 'e'], ':1\r\n'],
      [['object', 'encoding', 'e'], '$6\r\nembstr\r\n'],
      [['strlen', 'e'], ':0\r\n'],
      [['strlen', 'nokey'], ':0\r\n'],
      [['set', 'i', '12345'], '+OK\r\n'],
      [['strlen', 'i'], ':5\r\n'],
      [['strlen', 'k'], ':11\r\n'],
      [['getrange', 'k', '0', '4'], '$5\r\nhello\r\n'],
      [['getrange', 'k', '-5', '-1'], '$5\r\nworld\r\n'],
      [['getrange', 'k', '0', '-1'], '$11\r\nhello world\r\n'],
      [['getrange', 'k', '5', '3'], '$0\r\n\r\n'],
      [['getrange', 'k', '-100', '100'], '$11\r\nhello world\r\n'],
      [['getrange', 'k', '100', '200'], '$0\r\n\r\n'],
      [['getrange', 'k', '-1', '-100'], '$0\r\n\r\n'],
      [['getrange', 'k', '0', '0'], '$1\r\nh\r\n'],
      [['getrange', 'k', '-1', '-1'], '$1\r\nd\r\n'],
      [['getrange', 'k', '3', '-100'], '$0\r\n\r\n'],
      [['getrange', 'nokey', '0', '-1'], '$0\r\n\r\n'],
      [['getrange', 'k', 'a', 'b'], '-ERR value is not an integer or out of range\r\n'],
      [['getrange', 'k', '0', 'b'], '-ERR value is not an integer or out of range\r\n'],
      [['getrange', 'nokey', 'a', '0'], '-ERR value is not an integer or out of range\r\n'],
      [['getrange', 'i', '1', '2'], '$2\r\n23\r\n'],
      [['getrange', 'e', '0', '-1'], '$0\r\n\r\n'],
      [['getrange', 'e', '0', '0'], '$0\r\n\r\n'],
      [['getrange', 'e', '-1', '-1'], '$0\r\n\r\n'],
      [['getrange', 'k', '9223372036854775807', '9223372036854775807'], '$0\r\n\r\n'],
      [['getrange', 'k', '-9223372036854775808', '-9223372036854775808'], '$1\r\nh\r\n'],
      [['getrange', 'k', '0', '9223372036854775808'], '-ERR value is not an integer or out of range\r\n'],
      [['getrange', 'k', '-100', '-50'], '$1\r\nh\r\n'],
      [['getrange', 'k', '0', '-100'], '$1\r\nh\r\n'],
      [['getrange', 'k', '-5', '-10'], '$0\r\n\r\n'],
      [['getrange', 'k', '-11', '-11'], '$1\r\nh\r\n'],
      [['getrange', 'k', '-12', '-12'], '$1\r\nh\r\n'],
      [['getrange', 'k', '11', '11'], '$0\r\n\r\n'],
      [['getrange', 'k', '10', '100'], '$1\r\nd\r\n'],
      [['substr', 'k', '0', '4'], '$5\r\nhello\r\n'],
      [['substr', 'k', '1', '-2'], '$9\r\nello worl\r\n'],
      [['set', 'x', 'abc'], '+OK\r\n'],
      [['expire', 'x', '100'], ':1\r\n'],
      [['append', 'x', 'def'], ':6\r\n'],
      [['ttl', 'x'], ':100\r\n'],
      [['object', 'encoding', 'x'], '$3\r\nraw\r\n'],
      [['set', 'i', '5'], '+OK\r\n'],
      [['append', 'i', ''], ':1\r\n'],
      [['object', 'encoding', 'i'], '$3\r\nraw\r\n'],
      [['get', 'i'], '$1\r\n5\r\n'],
    ],
  },
  {
    name: 'SETRANGE',
    steps: [
      [['set', 'k', 'hello world'], '+OK\r\n'],
      [['setrange', 'k', '6', 'redis'], ':11\r\n'],
      [['get', 'k'], '$11\r\nhello redis\r\n'],
      [['setrange', 'k', '20', 'x'], ':21\r\n'],
      [['get', 'k'], '$21\r\nhello redis\x00\x00\x00\x00\x00\x00\x00\x00\x00x\r\n'],
      [['setrange', 'nokey', '0', ''], ':0\r\n'],
      [['exists', 'nokey'], ':0\r\n'],
      [['setrange', 'nokey', '5', ''], ':0\r\n'],
      [['exists', 'nokey'], ':0\r\n'],
      [['setrange', 'nokey', '5', 'a'], ':6\r\n'],
      [['get', 'nokey'], '$6\r\n\x00\x00\x00\x00\x00a\r\n'],
      [['object', 'encoding', 'nokey'], '$3\r\nraw\r\n'],
      [['setrange', 'k', '-1', 'x'], '-ERR offset is out of range\r\n'],
      [['setrange', 'k', 'abc', 'x'], '-ERR value is not an integer or out of range\r\n'],
      [['setrange', 'k2', '536870912', 'x'], '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n'],
      [['setrange', 'k2', '536870911', ''], ':0\r\n'],
      [['setrange', 'k2', '536870912', ''], ':0\r\n'],
      [['setrange', 'k2', '9223372036854775807', 'x'], '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n'],
      [['setrange', 'k2', '9223372036854775807', ''], ':0\r\n'],
      [['set', 'i', '1234'], '+OK\r\n'],
      [['setrange', 'i', '1', ''], ':4\r\n'],
      [['object', 'encoding', 'i'], '$3\r\nint\r\n'],
      [['setrange', 'i', '0', '9'], ':4\r\n'],
      [['object', 'encoding', 'i'], '$3\r\nraw\r\n'],
      [['get', 'i'], '$4\r\n9234\r\n'],
      [['set', 's', 'abc'], '+OK\r\n'],
      [['object', 'encoding', 's'], '$6\r\nembstr\r\n'],
      [['setrange', 's', '0', 'x'], ':3\r\n'],
      [['object', 'encoding', 's'], '$3\r\nraw\r\n'],
      [['set', 'e', ''], '+OK\r\n'],
      [['setrange', 'e', '0', ''], ':0\r\n'],
      [['setrange', 'e', '3', ''], ':0\r\n'],
      [['get', 'e'], '$0\r\n\r\n'],
      [['setrange', 'nk', '-1', ''], '-ERR offset is out of range\r\n'],
      [['setrange', 'nk', '0', ''], ':0\r\n'],
      [['setrange', 'new', '0', 'abc'], ':3\r\n'],
      [['object', 'encoding', 'new'], '$3\r\nraw\r\n'],
      [['set', 't', 'v', 'ex', '100'], '+OK\r\n'],
      [['setrange', 't', '0', 'w'], ':1\r\n'],
      [['ttl', 't'], ':100\r\n'],
    ],
  },
  {
    name: 'OBJECT ENCODING after each write',
    steps: [
      [['set', 'a', '-0'], '+OK\r\n'],
      [['object', 'encoding', 'a'], '$6\r\nembstr\r\n'],
      [['set', 'a', '007'], '+OK\r\n'],
      [['object', 'encoding', 'a'], '$6\r\nembstr\r\n'],
      [['set', 'a', '9223372036854775807'], '+OK\r\n'],
      [['object', 'encoding', 'a'], '$3\r\nint\r\n'],
      [['set', 'a', '-9223372036854775808'], '+OK\r\n'],
      [['object', 'encoding', 'a'], '$3\r\nint\r\n'],
      [['set', 'a', '9223372036854775808'], '+OK\r\n'],
      [['object', 'encoding', 'a'], '$6\r\nembstr\r\n'],
      [['set', 'a', '12345678901234567890123456789012345678901234'], '+OK\r\n'],
      [['object', 'encoding', 'a'], '$6\r\nembstr\r\n'],
      [['set', 'a', '123456789012345678901234567890123456789012345'], '+OK\r\n'],
      [['object', 'encoding', 'a'], '$3\r\nraw\r\n'],
      [['set', 'a', '+1'], '+OK\r\n'],
      [['object', 'encoding', 'a'], '$6\r\nembstr\r\n'],
      [['set', 'a', '0'], '+OK\r\n'],
      [['object', 'encoding', 'a'], '$3\r\nint\r\n'],
      [['set', 'a', '10000'], '+OK\r\n'],
      [['object', 'encoding', 'a'], '$3\r\nint\r\n'],
      [['set', 'a', ' 12'], '+OK\r\n'],
      [['object', 'encoding', 'a'], '$6\r\nembstr\r\n'],
      [['set', 'a', '1.0'], '+OK\r\n'],
      [['object', 'encoding', 'a'], '$6\r\nembstr\r\n'],
      [['incrbyfloat', 'f', '1'], '$1\r\n1\r\n'],
      [['object', 'encoding', 'f'], '$6\r\nembstr\r\n'],
      [['incrbyfloat', 'f', '1.5'], '$3\r\n2.5\r\n'],
      [['object', 'encoding', 'f'], '$6\r\nembstr\r\n'],
      [['set', 'f', '5'], '+OK\r\n'],
      [['incr', 'f'], ':6\r\n'],
      [['object', 'encoding', 'f'], '$3\r\nint\r\n'],
      [['incrbyfloat', 'f', '1e40'], '$40\r\n9999999999999999999783686092270256259072\r\n'],
      [['object', 'encoding', 'f'], '$6\r\nembstr\r\n'],
      [['get', 'f'], '$40\r\n9999999999999999999783686092270256259072\r\n'],
      [['getset', 'a', '123'], '$3\r\n1.0\r\n'],
      [['object', 'encoding', 'a'], '$3\r\nint\r\n'],
      [['mset', 'a', '12', 'b', '1234567890123456789012345678901234567890123456789'], '+OK\r\n'],
      [['object', 'encoding', 'a'], '$3\r\nint\r\n'],
      [['object', 'encoding', 'b'], '$3\r\nraw\r\n'],
      [['setnx', 'c', '12'], ':1\r\n'],
      [['object', 'encoding', 'c'], '$3\r\nint\r\n'],
      [['setex', 'd', '100', '12'], '+OK\r\n'],
      [['object', 'encoding', 'd'], '$3\r\nint\r\n'],
      [['psetex', 'd', '100000', 'xyz'], '+OK\r\n'],
      [['object', 'encoding', 'd'], '$6\r\nembstr\r\n'],
      [['append', 'x', '12345678901234567890123456789012345678901234567890'], ':50\r\n'],
      [['object', 'encoding', 'x'], '$3\r\nraw\r\n'],
      [['set', 'y', '123456789012345678901234567890123456789012345678901'], '+OK\r\n'],
      [['append', 'y', ''], ':51\r\n'],
      [['object', 'encoding', 'y'], '$3\r\nraw\r\n'],
      [['set', 'z', 'abc'], '+OK\r\n'],
      [['append', 'z', ''], ':3\r\n'],
      [['object', 'encoding', 'z'], '$3\r\nraw\r\n'],
      [['getex', 'z', 'ex', '100'], '$3\r\nabc\r\n'],
      [['object', 'encoding', 'z'], '$3\r\nraw\r\n'],
      [['incr', 'cnt'], ':1\r\n'],
      [['object', 'encoding', 'cnt'], '$3\r\nint\r\n'],
      [['set', 'big', '123456789012345678901234567890123456789012345678901234567890'], '+OK\r\n'],
      [['incrbyfloat', 'big', '1'], '$60\r\n123456789012345678904212663537885431876092564888614510526464\r\n'],
      [['object', 'encoding', 'big'], '$3\r\nraw\r\n'],
      [['set', 's', '12'], '+OK\r\n'],
      [['set', 's', 'x', 'GET'], '$2\r\n12\r\n'],
      [['object', 'encoding', 's'], '$6\r\nembstr\r\n'],
    ],
  },
  {
    name: 'INCR, DECR, INCRBY, DECRBY',
    steps: [
      [['incr', 'n'], ':1\r\n'],
      [['decr', 'n'], ':0\r\n'],
      [['decr', 'n'], ':-1\r\n'],
      [['incrby', 'n', '10'], ':9\r\n'],
      [['decrby', 'n', '10'], ':-1\r\n'],
      [['incrby', 'n', 'abc'], '-ERR value is not an integer or out of range\r\n'],
      [['incrby', 'n', '1.5'], '-ERR value is not an integer or out of range\r\n'],
      [['incrby', 'n', ''], '-ERR value is not an integer or out of range\r\n'],
      [['decrby', 'n', '-9223372036854775808'], '-ERR decrement would overflow\r\n'],
      [['decrby', 'n', '9223372036854775807'], ':-9223372036854775808\r\n'],
      [['set', 'm', '9223372036854775807'], '+OK\r\n'],
      [['incr', 'm'], '-ERR increment or decrement would overflow\r\n'],
      [['incrby', 'm', '0'], ':9223372036854775807\r\n'],
      [['decr', 'm'], ':9223372036854775806\r\n'],
      [['set', 'm', '-9223372036854775808'], '+OK\r\n'],
      [['decr', 'm'], '-ERR increment or decrement would overflow\r\n'],
      [['incrby', 'm', '-1'], '-ERR increment or decrement would overflow\r\n'],
      [['decrby', 'm', '1'], '-ERR increment or decrement would overflow\r\n'],
      [['decrby', 'm', '-9223372036854775808'], '-ERR decrement would overflow\r\n'],
      [['set', 'm', '0'], '+OK\r\n'],
      [['decrby', 'm', '-9223372036854775808'], '-ERR decrement would overflow\r\n'],
      [['set', 'm', '-1'], '+OK\r\n'],
      [['decrby', 'm', '-9223372036854775808'], '-ERR decrement would overflow\r\n'],
      [['set', 's', 'abc'], '+OK\r\n'],
      [['incr', 's'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 's', ' 1'], '+OK\r\n'],
      [['incr', 's'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 's', '1 '], '+OK\r\n'],
      [['incr', 's'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 's', '01'], '+OK\r\n'],
      [['incr', 's'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 's', '+1'], '+OK\r\n'],
      [['incr', 's'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 's', '-0'], '+OK\r\n'],
      [['incr', 's'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 's', ''], '+OK\r\n'],
      [['incr', 's'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 's', '9223372036854775808'], '+OK\r\n'],
      [['incr', 's'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 's', '12345678901234567890123'], '+OK\r\n'],
      [['incr', 's'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 's', '1\x00'], '+OK\r\n'],
      [['incr', 's'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 'e', '5'], '+OK\r\n'],
      [['expire', 'e', '100'], ':1\r\n'],
      [['incr', 'e'], ':6\r\n'],
      [['ttl', 'e'], ':100\r\n'],
      [['set', 'e', '1.5'], '+OK\r\n'],
      [['incr', 'e'], '-ERR value is not an integer or out of range\r\n'],
      [['incrby', 'nof', 'abc'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 'big', '99999999999999999999999999999999999999999999999999'], '+OK\r\n'],
      [['incr', 'big'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 's2', '-12'], '+OK\r\n'],
      [['decrby', 's2', '-12'], ':0\r\n'],
      [['incrby', 's2', '9223372036854775807'], ':9223372036854775807\r\n'],
    ],
  },
  {
    name: 'INCRBYFLOAT',
    steps: [
      [['incrbyfloat', 'f', '0x10'], '$2\r\n16\r\n'],
      [['incrbyfloat', 'f', '+1'], '$2\r\n17\r\n'],
      [['incrbyfloat', 'f', ' 1'], '-ERR value is not a valid float\r\n'],
      [['incrbyfloat', 'f', '1 '], '-ERR value is not a valid float\r\n'],
      [['incrbyfloat', 'f', 'inf'], '-ERR increment would produce NaN or Infinity\r\n'],
      [['incrbyfloat', 'f', '-inf'], '-ERR increment would produce NaN or Infinity\r\n'],
      [['incrbyfloat', 'f', 'nan'], '-ERR value is not a valid float\r\n'],
      [['incrbyfloat', 'f', '1e5000'], '-ERR value is not a valid float\r\n'],
      [['incrbyfloat', 'f', '1e-5000'], '-ERR value is not a valid float\r\n'],
      [['incrbyfloat', 'f', '1e-300'], '$2\r\n17\r\n'],
      [['incrbyfloat', 'f', ''], '-ERR value is not a valid float\r\n'],
      [['incrbyfloat', 'f', '.5'], '$4\r\n17.5\r\n'],
      [['incrbyfloat', 'f', '5.'], '$4\r\n22.5\r\n'],
      [['incrbyfloat', 'f', '1e'], '-ERR value is not a valid float\r\n'],
      [['incrbyfloat', 'f', '0x1p3'], '$4\r\n30.5\r\n'],
      [['incrbyfloat', 'f', 'infinity'], '-ERR increment would produce NaN or Infinity\r\n'],
      [['incrbyfloat', 'f', '1e308'], '$308\r\n99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048\r\n'],
      [['incrbyfloat', 'f', '1\x00'], '-ERR value is not a valid float\r\n'],
      [['incrbyfloat', 'f', '1e-4940'], '$308\r\n99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048\r\n'],
      [['incrbyfloat', 'f', '1e-4960'], '-ERR value is not a valid float\r\n'],
      [['set', 'f', '10.50'], '+OK\r\n'],
      [['incrbyfloat', 'f', '0'], '$4\r\n10.5\r\n'],
      [['set', 'f', '5.0e3'], '+OK\r\n'],
      [['incrbyfloat', 'f', '0'], '$4\r\n5000\r\n'],
      [['set', 'f', '3.0'], '+OK\r\n'],
      [['incrbyfloat', 'f', '0'], '$1\r\n3\r\n'],
      [['set', 'f', '1.1'], '+OK\r\n'],
      [['incrbyfloat', 'f', '2.2'], '$3\r\n3.3\r\n'],
      [['incrbyfloat', 'f', '0.1'], '$3\r\n3.4\r\n'],
      [['set', 'f', '0'], '+OK\r\n'],
      [['incrbyfloat', 'f', '0.1'], '$3\r\n0.1\r\n'],
      [['incrbyfloat', 'f', '0.2'], '$3\r\n0.3\r\n'],
      [['set', 'f', '1'], '+OK\r\n'],
      [['incrbyfloat', 'f', '-1'], '$1\r\n0\r\n'],
      [['set', 'f', '-0.0'], '+OK\r\n'],
      [['incrbyfloat', 'f', '0'], '$1\r\n0\r\n'],
      [['set', 'f', '-1'], '+OK\r\n'],
      [['incrbyfloat', 'f', '0.9999999999999999999999'], '$1\r\n0\r\n'],
      [['incrbyfloat', 'f', '1e-20'], '$1\r\n0\r\n'],
      [['incrbyfloat', 'f', '1e-17'], '$19\r\n0.00000000000000001\r\n'],
      [['incrbyfloat', 'f', '-1e-17'], '$1\r\n0\r\n'],
      [['set', 'f', '1234567890.123456789'], '+OK\r\n'],
      [['incrbyfloat', 'f', '0'], '$28\r\n1234567890.12345678894780576\r\n'],
      [['set', 'f', '3.14159265358979323846'], '+OK\r\n'],
      [['incrbyfloat', 'f', '0'], '$19\r\n3.14159265358979324\r\n'],
      [['set', 'f', '123456789012345678901234567890'], '+OK\r\n'],
      [['incrbyfloat', 'f', '0'], '$30\r\n123456789012345678899921813504\r\n'],
      [['set', 'f', '-5e-18'], '+OK\r\n'],
      [['incrbyfloat', 'f', '0'], '$1\r\n0\r\n'],
      [['set', 'f', '0.000000000000000015'], '+OK\r\n'],
      [['incrbyfloat', 'f', '0'], '$19\r\n0.00000000000000002\r\n'],
      [['set', 'f', '1e4932'], '+OK\r\n'],
      [['incrbyfloat', 'f', '1e4932'], '-ERR increment would produce NaN or Infinity\r\n'],
      [['set', 'f', 'abc'], '+OK\r\n'],
      [['incrbyfloat', 'f', '1'], '-ERR value is not a valid float\r\n'],
      [['incrbyfloat', 'f', 'abc'], '-ERR value is not a valid float\r\n'],
      [['incrbyfloat', 'nof', 'abc'], '-ERR value is not a valid float\r\n'],
      [['set', 'f', '5'], '+OK\r\n'],
      [['expire', 'f', '100'], ':1\r\n'],
      [['incrbyfloat', 'f', '1.5'], '$3\r\n6.5\r\n'],
      [['ttl', 'f'], ':100\r\n'],
      [['set', 'f', '9223372036854775807'], '+OK\r\n'],
      [['incrbyfloat', 'f', '1'], '$19\r\n9223372036854775808\r\n'],
    ],
  },
  {
    name: 'LCS',
    steps: [
      [['mset', 'key1', 'ohmytext', 'key2', 'mynewtext'], '+OK\r\n'],
      [['lcs', 'key1', 'key2'], '$6\r\nmytext\r\n'],
      [['lcs', 'key1', 'key2', 'len'], ':6\r\n'],
      [['lcs', 'key1', 'key2', 'idx'], '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n'],
      [['lcs', 'key1', 'key2', 'idx', 'minmatchlen', '4'], '*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n'],
      [['lcs', 'key1', 'key2', 'idx', 'minmatchlen', '4', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n'],
      [['lcs', 'key1', 'key2', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n'],
      [['lcs', 'key1', 'key2', 'IDX', 'WithMatchLen', 'MINMATCHLEN', '2'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n'],
      [['lcs', 'key1', 'key2', 'len', 'idx'], '-ERR If you want both the length and indexes, please just use IDX.\r\n'],
      [['lcs', 'key1', 'key2', 'len', 'withmatchlen'], ':6\r\n'],
      [['lcs', 'key1', 'key2', 'withmatchlen'], '$6\r\nmytext\r\n'],
      [['lcs', 'key1', 'key2', 'minmatchlen', '4'], '$6\r\nmytext\r\n'],
      [['lcs', 'key1', 'key2', 'minmatchlen'], '-ERR syntax error\r\n'],
      [['lcs', 'key1', 'key2', 'minmatchlen', 'abc'], '-ERR value is not an integer or out of range\r\n'],
      [['lcs', 'key1', 'key2', 'minmatchlen', '-5', 'idx'], '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n'],
      [['lcs', 'key1', 'key2', 'foo'], '-ERR syntax error\r\n'],
      [['lcs', 'key1', 'key2', 'foo', 'minmatchlen', 'abc'], '-ERR syntax error\r\n'],
      [['lcs', 'key1', 'key2', 'minmatchlen', 'abc', 'foo'], '-ERR value is not an integer or out of range\r\n'],
      [['lcs', 'key1', 'nokey'], '$0\r\n\r\n'],
      [['lcs', 'nokey', 'nokey2'], '$0\r\n\r\n'],
      [['lcs', 'nokey', 'nokey2', 'idx'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n'],
      [['lcs', 'nokey', 'nokey2', 'len'], ':0\r\n'],
      [['lcs', 'key1', 'nokey', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n'],
      [['lcs', 'key1', 'key1'], '$8\r\nohmytext\r\n'],
      [['lcs', 'key1', 'key1', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:7\r\n*2\r\n:0\r\n:7\r\n:8\r\n$3\r\nlen\r\n:8\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:7\r\n*2\r\n:0\r\n:7\r\n:8\r\n$3\r\nlen\r\n:8\r\n'],
      [['set', 'a', 'abcdefg'], '+OK\r\n'],
      [['set', 'b', 'xbcdyfgz'], '+OK\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:5\r\n:6\r\n*2\r\n:5\r\n:6\r\n:2\r\n*3\r\n*2\r\n:1\r\n:3\r\n*2\r\n:1\r\n:3\r\n:3\r\n$3\r\nlen\r\n:5\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:5\r\n:6\r\n*2\r\n:5\r\n:6\r\n:2\r\n*3\r\n*2\r\n:1\r\n:3\r\n*2\r\n:1\r\n:3\r\n:3\r\n$3\r\nlen\r\n:5\r\n'],
      [['lcs', 'a', 'b', 'idx', 'minmatchlen', '2'], '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:5\r\n:6\r\n*2\r\n:5\r\n:6\r\n*2\r\n*2\r\n:1\r\n:3\r\n*2\r\n:1\r\n:3\r\n$3\r\nlen\r\n:5\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:5\r\n:6\r\n*2\r\n:5\r\n:6\r\n*2\r\n*2\r\n:1\r\n:3\r\n*2\r\n:1\r\n:3\r\n$3\r\nlen\r\n:5\r\n'],
      [['lcs', 'a', 'b', 'idx', 'minmatchlen', '0'], '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:5\r\n:6\r\n*2\r\n:5\r\n:6\r\n*2\r\n*2\r\n:1\r\n:3\r\n*2\r\n:1\r\n:3\r\n$3\r\nlen\r\n:5\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:5\r\n:6\r\n*2\r\n:5\r\n:6\r\n*2\r\n*2\r\n:1\r\n:3\r\n*2\r\n:1\r\n:3\r\n$3\r\nlen\r\n:5\r\n'],
      [['lcs', 'a', 'b', 'idx', 'idx'], '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:5\r\n:6\r\n*2\r\n:5\r\n:6\r\n*2\r\n*2\r\n:1\r\n:3\r\n*2\r\n:1\r\n:3\r\n$3\r\nlen\r\n:5\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:5\r\n:6\r\n*2\r\n:5\r\n:6\r\n*2\r\n*2\r\n:1\r\n:3\r\n*2\r\n:1\r\n:3\r\n$3\r\nlen\r\n:5\r\n'],
      [['lcs', 'a', 'b', 'len', 'len'], ':5\r\n'],
      [['set', 'n', '12345'], '+OK\r\n'],
      [['set', 'm', '2345'], '+OK\r\n'],
      [['lcs', 'n', 'm'], '$4\r\n2345\r\n'],
      [['lcs', 'n', 'm', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:1\r\n:4\r\n*2\r\n:0\r\n:3\r\n:4\r\n$3\r\nlen\r\n:4\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:1\r\n:4\r\n*2\r\n:0\r\n:3\r\n:4\r\n$3\r\nlen\r\n:4\r\n'],
      [['set', 'e', ''], '+OK\r\n'],
      [['lcs', 'e', 'a'], '$0\r\n\r\n'],
      [['lcs', 'e', 'a', 'idx'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n'],
      [['lcs', 'a', 'b', 'minmatchlen', '9223372036854775808'], '-ERR value is not an integer or out of range\r\n'],
      [['set', 'p', 'a\x00b\x00c'], '+OK\r\n'],
      [['set', 'q', '\x00\x00c'], '+OK\r\n'],
      [['lcs', 'p', 'q'], '$3\r\n\x00\x00c\r\n'],
      [['lcs', 'p', 'q', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:3\r\n:4\r\n*2\r\n:1\r\n:2\r\n:2\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:3\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:3\r\n:4\r\n*2\r\n:1\r\n:2\r\n:2\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:3\r\n'],
      [['set', 'r1', 'ABCBDAB'], '+OK\r\n'],
      [['set', 'r2', 'BDCABA'], '+OK\r\n'],
      [['lcs', 'r1', 'r2'], '$4\r\nBDAB\r\n'],
      [['lcs', 'r1', 'r2', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:5\r\n:6\r\n*2\r\n:3\r\n:4\r\n:2\r\n*3\r\n*2\r\n:3\r\n:4\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:4\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:5\r\n:6\r\n*2\r\n:3\r\n:4\r\n:2\r\n*3\r\n*2\r\n:3\r\n:4\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:4\r\n'],
      [['lcs', 'r2', 'r1'], '$4\r\nBCBA\r\n'],
      [['lcs', 'r2', 'r1', 'idx'], '*4\r\n$7\r\nmatches\r\n*4\r\n*2\r\n*2\r\n:5\r\n:5\r\n*2\r\n:5\r\n:5\r\n*2\r\n*2\r\n:4\r\n:4\r\n*2\r\n:3\r\n:3\r\n*2\r\n*2\r\n:2\r\n:2\r\n*2\r\n:2\r\n:2\r\n*2\r\n*2\r\n:0\r\n:0\r\n*2\r\n:1\r\n:1\r\n$3\r\nlen\r\n:4\r\n', '%2\r\n$7\r\nmatches\r\n*4\r\n*2\r\n*2\r\n:5\r\n:5\r\n*2\r\n:5\r\n:5\r\n*2\r\n*2\r\n:4\r\n:4\r\n*2\r\n:3\r\n:3\r\n*2\r\n*2\r\n:2\r\n:2\r\n*2\r\n:2\r\n:2\r\n*2\r\n*2\r\n:0\r\n:0\r\n*2\r\n:1\r\n:1\r\n$3\r\nlen\r\n:4\r\n'],
      [['set', 'big1', 'a'.repeat(12000)], '+OK\r\n'],
      [['set', 'big2', 'a'.repeat(12000)], '+OK\r\n'],
      [['lcs', 'big1', 'big2', 'len'], '-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n'],
      [['lcs', 'big1', 'nokey', 'len'], ':0\r\n'],
    ],
  },
  {
    name: 'LCS on random pairs',
    steps: [
      [['mset', 'a', 'accbacb', 'b', 'cbcaccbbbccc'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$5\r\ncbacb\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:8\r\n:8\r\n:1\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:4\r\n:4\r\n*2\r\n:3\r\n:3\r\n:1\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:5\r\n', '%2\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:8\r\n:8\r\n:1\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:4\r\n:4\r\n*2\r\n:3\r\n:3\r\n:1\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:5\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '1'], '*4\r\n$7\r\nmatches\r\n*3\r\n*2\r\n*2\r\n:11\r\n:11\r\n*2\r\n:5\r\n:5\r\n*2\r\n*2\r\n:8\r\n:8\r\n*2\r\n:3\r\n:3\r\n*2\r\n*2\r\n:3\r\n:5\r\n*2\r\n:0\r\n:2\r\n$3\r\nlen\r\n:5\r\n', '%2\r\n$7\r\nmatches\r\n*3\r\n*2\r\n*2\r\n:11\r\n:11\r\n*2\r\n:5\r\n:5\r\n*2\r\n*2\r\n:8\r\n:8\r\n*2\r\n:3\r\n:3\r\n*2\r\n*2\r\n:3\r\n:5\r\n*2\r\n:0\r\n:2\r\n$3\r\nlen\r\n:5\r\n'],
      [['mset', 'a', 'ccbc', 'b', 'c'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$1\r\nc\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:1\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '1'], '*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:0\r\n:0\r\n*2\r\n:3\r\n:3\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:0\r\n:0\r\n*2\r\n:3\r\n:3\r\n$3\r\nlen\r\n:1\r\n'],
      [['mset', 'a', 'cbccacababc', 'b', 'baccab'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$5\r\nbacab\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:8\r\n:9\r\n*2\r\n:4\r\n:5\r\n:2\r\n*3\r\n*2\r\n:4\r\n:5\r\n*2\r\n:1\r\n:2\r\n:2\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:5\r\n', '%2\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:8\r\n:9\r\n*2\r\n:4\r\n:5\r\n:2\r\n*3\r\n*2\r\n:4\r\n:5\r\n*2\r\n:1\r\n:2\r\n:2\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:5\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '3'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:5\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:5\r\n'],
      [['mset', 'a', 'babbb', 'b', 'cabaa'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$2\r\nab\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:4\r\n*2\r\n:2\r\n:2\r\n:1\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:1\r\n:1\r\n:1\r\n$3\r\nlen\r\n:2\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:4\r\n*2\r\n:2\r\n:2\r\n:1\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:1\r\n:1\r\n:1\r\n$3\r\nlen\r\n:2\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '0'], '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:4\r\n*2\r\n:1\r\n:1\r\n*2\r\n*2\r\n:2\r\n:2\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:2\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:4\r\n*2\r\n:1\r\n:1\r\n*2\r\n*2\r\n:2\r\n:2\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:2\r\n'],
      [['mset', 'a', 'aabcbccbcab', 'b', 'ccaabbaabbcca'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$7\r\naabbbca\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:8\r\n:9\r\n*2\r\n:11\r\n:12\r\n:2\r\n*3\r\n*2\r\n:7\r\n:7\r\n*2\r\n:9\r\n:9\r\n:1\r\n*3\r\n*2\r\n:4\r\n:4\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:0\r\n:2\r\n*2\r\n:2\r\n:4\r\n:3\r\n$3\r\nlen\r\n:7\r\n', '%2\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:8\r\n:9\r\n*2\r\n:11\r\n:12\r\n:2\r\n*3\r\n*2\r\n:7\r\n:7\r\n*2\r\n:9\r\n:9\r\n:1\r\n*3\r\n*2\r\n:4\r\n:4\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:0\r\n:2\r\n*2\r\n:2\r\n:4\r\n:3\r\n$3\r\nlen\r\n:7\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '2'], '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:11\r\n:12\r\n*2\r\n:8\r\n:9\r\n*2\r\n*2\r\n:6\r\n:8\r\n*2\r\n:0\r\n:2\r\n$3\r\nlen\r\n:7\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:11\r\n:12\r\n*2\r\n:8\r\n:9\r\n*2\r\n*2\r\n:6\r\n:8\r\n*2\r\n:0\r\n:2\r\n$3\r\nlen\r\n:7\r\n'],
      [['mset', 'a', 'cbbccb', 'b', 'accabaccaaaaa'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$4\r\ncbcc\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:3\r\n:4\r\n*2\r\n:6\r\n:7\r\n:2\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:4\r\n:4\r\n:1\r\n*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:1\r\n:1\r\n:1\r\n$3\r\nlen\r\n:4\r\n', '%2\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:3\r\n:4\r\n*2\r\n:6\r\n:7\r\n:2\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:4\r\n:4\r\n:1\r\n*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:1\r\n:1\r\n:1\r\n$3\r\nlen\r\n:4\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '3'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:4\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:4\r\n'],
      [['mset', 'a', 'abaaabacbcb', 'b', 'cbcbaab'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$4\r\ncbcb\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:10\r\n:10\r\n*2\r\n:6\r\n:6\r\n:1\r\n*3\r\n*2\r\n:7\r\n:9\r\n*2\r\n:0\r\n:2\r\n:3\r\n$3\r\nlen\r\n:4\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:10\r\n:10\r\n*2\r\n:6\r\n:6\r\n:1\r\n*3\r\n*2\r\n:7\r\n:9\r\n*2\r\n:0\r\n:2\r\n:3\r\n$3\r\nlen\r\n:4\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '2'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:4\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:4\r\n'],
      [['mset', 'a', 'accc', 'b', 'caba'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$1\r\nc\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:1\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '1'], '*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:3\r\n:3\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:3\r\n:3\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:1\r\n'],
      [['mset', 'a', 'bacabbcacccb', 'b', 'cccaaaacaaccac'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$7\r\ncacaccc\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:10\r\n:10\r\n*2\r\n:13\r\n:13\r\n:1\r\n*3\r\n*2\r\n:7\r\n:9\r\n*2\r\n:9\r\n:11\r\n:3\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:7\r\n:7\r\n:1\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:2\r\n:3\r\n:2\r\n$3\r\nlen\r\n:7\r\n', '%2\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:10\r\n:10\r\n*2\r\n:13\r\n:13\r\n:1\r\n*3\r\n*2\r\n:7\r\n:9\r\n*2\r\n:9\r\n:11\r\n:3\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:7\r\n:7\r\n:1\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:2\r\n:3\r\n:2\r\n$3\r\nlen\r\n:7\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '1'], '*4\r\n$7\r\nmatches\r\n*3\r\n*2\r\n*2\r\n:13\r\n:13\r\n*2\r\n:10\r\n:10\r\n*2\r\n*2\r\n:9\r\n:11\r\n*2\r\n:7\r\n:9\r\n*2\r\n*2\r\n:6\r\n:8\r\n*2\r\n:1\r\n:3\r\n$3\r\nlen\r\n:7\r\n', '%2\r\n$7\r\nmatches\r\n*3\r\n*2\r\n*2\r\n:13\r\n:13\r\n*2\r\n:10\r\n:10\r\n*2\r\n*2\r\n:9\r\n:11\r\n*2\r\n:7\r\n:9\r\n*2\r\n*2\r\n:6\r\n:8\r\n*2\r\n:1\r\n:3\r\n$3\r\nlen\r\n:7\r\n'],
      [['mset', 'a', 'bcc', 'b', 'aa'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$0\r\n\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '1'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n'],
      [['mset', 'a', 'accccacac', 'b', 'cc'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$2\r\ncc\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:8\r\n:8\r\n*2\r\n:1\r\n:1\r\n:1\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:2\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:8\r\n:8\r\n*2\r\n:1\r\n:1\r\n:1\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:2\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '2'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:2\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:2\r\n'],
      [['mset', 'a', '', 'b', 'b'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$0\r\n\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '0'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n'],
      [['mset', 'a', 'aa', 'b', 'ccccacacab'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$2\r\naa\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:8\r\n:8\r\n:1\r\n*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:6\r\n:6\r\n:1\r\n$3\r\nlen\r\n:2\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:8\r\n:8\r\n:1\r\n*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:6\r\n:6\r\n:1\r\n$3\r\nlen\r\n:2\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '1'], '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:8\r\n:8\r\n*2\r\n:1\r\n:1\r\n*2\r\n*2\r\n:6\r\n:6\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:2\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:8\r\n:8\r\n*2\r\n:1\r\n:1\r\n*2\r\n*2\r\n:6\r\n:6\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:2\r\n'],
      [['mset', 'a', 'bbcbcbc', 'b', 'abcbbccaaabb'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$5\r\nbcbbc\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:6\r\n:6\r\n:1\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:4\r\n:4\r\n:1\r\n*3\r\n*2\r\n:1\r\n:3\r\n*2\r\n:1\r\n:3\r\n:3\r\n$3\r\nlen\r\n:5\r\n', '%2\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:6\r\n:6\r\n:1\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:4\r\n:4\r\n:1\r\n*3\r\n*2\r\n:1\r\n:3\r\n*2\r\n:1\r\n:3\r\n:3\r\n$3\r\nlen\r\n:5\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '1'], '*4\r\n$7\r\nmatches\r\n*4\r\n*2\r\n*2\r\n:11\r\n:11\r\n*2\r\n:5\r\n:5\r\n*2\r\n*2\r\n:10\r\n:10\r\n*2\r\n:3\r\n:3\r\n*2\r\n*2\r\n:6\r\n:6\r\n*2\r\n:2\r\n:2\r\n*2\r\n*2\r\n:3\r\n:4\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:5\r\n', '%2\r\n$7\r\nmatches\r\n*4\r\n*2\r\n*2\r\n:11\r\n:11\r\n*2\r\n:5\r\n:5\r\n*2\r\n*2\r\n:10\r\n:10\r\n*2\r\n:3\r\n:3\r\n*2\r\n*2\r\n:6\r\n:6\r\n*2\r\n:2\r\n:2\r\n*2\r\n*2\r\n:3\r\n:4\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:5\r\n'],
      [['mset', 'a', 'abbcaabcaacb', 'b', 'aacbcbcabb'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$7\r\nabcbcab\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*5\r\n*3\r\n*2\r\n:11\r\n:11\r\n*2\r\n:9\r\n:9\r\n:1\r\n*3\r\n*2\r\n:9\r\n:9\r\n*2\r\n:7\r\n:7\r\n:1\r\n*3\r\n*2\r\n:6\r\n:7\r\n*2\r\n:5\r\n:6\r\n:2\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:3\r\n:4\r\n:2\r\n*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:7\r\n', '%2\r\n$7\r\nmatches\r\n*5\r\n*3\r\n*2\r\n:11\r\n:11\r\n*2\r\n:9\r\n:9\r\n:1\r\n*3\r\n*2\r\n:9\r\n:9\r\n*2\r\n:7\r\n:7\r\n:1\r\n*3\r\n*2\r\n:6\r\n:7\r\n*2\r\n:5\r\n:6\r\n:2\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:3\r\n:4\r\n:2\r\n*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:7\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '0'], '*4\r\n$7\r\nmatches\r\n*5\r\n*2\r\n*2\r\n:9\r\n:9\r\n*2\r\n:11\r\n:11\r\n*2\r\n*2\r\n:7\r\n:8\r\n*2\r\n:5\r\n:6\r\n*2\r\n*2\r\n:5\r\n:6\r\n*2\r\n:2\r\n:3\r\n*2\r\n*2\r\n:3\r\n:3\r\n*2\r\n:1\r\n:1\r\n*2\r\n*2\r\n:1\r\n:1\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:7\r\n', '%2\r\n$7\r\nmatches\r\n*5\r\n*2\r\n*2\r\n:9\r\n:9\r\n*2\r\n:11\r\n:11\r\n*2\r\n*2\r\n:7\r\n:8\r\n*2\r\n:5\r\n:6\r\n*2\r\n*2\r\n:5\r\n:6\r\n*2\r\n:2\r\n:3\r\n*2\r\n*2\r\n:3\r\n:3\r\n*2\r\n:1\r\n:1\r\n*2\r\n*2\r\n:1\r\n:1\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:7\r\n'],
      [['mset', 'a', 'bcbccaac', 'b', 'b'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$1\r\nb\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:1\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '0'], '*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:0\r\n:0\r\n*2\r\n:2\r\n:2\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:0\r\n:0\r\n*2\r\n:2\r\n:2\r\n$3\r\nlen\r\n:1\r\n'],
      [['mset', 'a', 'aaabbbbabbbbcb', 'b', 'aa'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$2\r\naa\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:7\r\n:7\r\n*2\r\n:1\r\n:1\r\n:1\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:2\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:7\r\n:7\r\n*2\r\n:1\r\n:1\r\n:1\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:2\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '0'], '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:1\r\n:1\r\n*2\r\n:7\r\n:7\r\n*2\r\n*2\r\n:0\r\n:0\r\n*2\r\n:2\r\n:2\r\n$3\r\nlen\r\n:2\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:1\r\n:1\r\n*2\r\n:7\r\n:7\r\n*2\r\n*2\r\n:0\r\n:0\r\n*2\r\n:2\r\n:2\r\n$3\r\nlen\r\n:2\r\n'],
      [['mset', 'a', 'bcacc', 'b', 'a'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$1\r\na\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:1\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '3'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:1\r\n'],
      [['mset', 'a', 'abaabccaaccaba', 'b', 'ccbbcaaac'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$6\r\nbbcaaa\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*6\r\n*3\r\n*2\r\n:13\r\n:13\r\n*2\r\n:7\r\n:7\r\n:1\r\n*3\r\n*2\r\n:11\r\n:11\r\n*2\r\n:6\r\n:6\r\n:1\r\n*3\r\n*2\r\n:8\r\n:8\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:4\r\n:4\r\n:1\r\n*3\r\n*2\r\n:4\r\n:4\r\n*2\r\n:3\r\n:3\r\n:1\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:2\r\n:2\r\n:1\r\n$3\r\nlen\r\n:6\r\n', '%2\r\n$7\r\nmatches\r\n*6\r\n*3\r\n*2\r\n:13\r\n:13\r\n*2\r\n:7\r\n:7\r\n:1\r\n*3\r\n*2\r\n:11\r\n:11\r\n*2\r\n:6\r\n:6\r\n:1\r\n*3\r\n*2\r\n:8\r\n:8\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:4\r\n:4\r\n:1\r\n*3\r\n*2\r\n:4\r\n:4\r\n*2\r\n:3\r\n:3\r\n:1\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:2\r\n:2\r\n:1\r\n$3\r\nlen\r\n:6\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '0'], '*4\r\n$7\r\nmatches\r\n*4\r\n*2\r\n*2\r\n:8\r\n:8\r\n*2\r\n:10\r\n:10\r\n*2\r\n*2\r\n:6\r\n:7\r\n*2\r\n:7\r\n:8\r\n*2\r\n*2\r\n:3\r\n:4\r\n*2\r\n:4\r\n:5\r\n*2\r\n*2\r\n:2\r\n:2\r\n*2\r\n:1\r\n:1\r\n$3\r\nlen\r\n:6\r\n', '%2\r\n$7\r\nmatches\r\n*4\r\n*2\r\n*2\r\n:8\r\n:8\r\n*2\r\n:10\r\n:10\r\n*2\r\n*2\r\n:6\r\n:7\r\n*2\r\n:7\r\n:8\r\n*2\r\n*2\r\n:3\r\n:4\r\n*2\r\n:4\r\n:5\r\n*2\r\n*2\r\n:2\r\n:2\r\n*2\r\n:1\r\n:1\r\n$3\r\nlen\r\n:6\r\n'],
      [['mset', 'a', 'bcc', 'b', 'bcacac'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$3\r\nbcc\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:3\r\n:3\r\n:1\r\n*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:3\r\n', '%2\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:3\r\n:3\r\n:1\r\n*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:3\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '2'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:3\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:3\r\n'],
      [['mset', 'a', 'bcbbcabbbbccaa', 'b', 'babbcbbccabcc'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$9\r\nbabbbbcca\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:13\r\n:13\r\n*2\r\n:9\r\n:9\r\n:1\r\n*3\r\n*2\r\n:8\r\n:11\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:5\r\n:7\r\n*2\r\n:1\r\n:3\r\n:3\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:9\r\n', '%2\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:13\r\n:13\r\n*2\r\n:9\r\n:9\r\n:1\r\n*3\r\n*2\r\n:8\r\n:11\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:5\r\n:7\r\n*2\r\n:1\r\n:3\r\n:3\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:9\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '0'], '*4\r\n$7\r\nmatches\r\n*3\r\n*2\r\n*2\r\n:10\r\n:12\r\n*2\r\n:9\r\n:11\r\n*2\r\n*2\r\n:8\r\n:9\r\n*2\r\n:4\r\n:5\r\n*2\r\n*2\r\n:3\r\n:6\r\n*2\r\n:0\r\n:3\r\n$3\r\nlen\r\n:9\r\n', '%2\r\n$7\r\nmatches\r\n*3\r\n*2\r\n*2\r\n:10\r\n:12\r\n*2\r\n:9\r\n:11\r\n*2\r\n*2\r\n:8\r\n:9\r\n*2\r\n:4\r\n:5\r\n*2\r\n*2\r\n:3\r\n:6\r\n*2\r\n:0\r\n:3\r\n$3\r\nlen\r\n:9\r\n'],
      [['mset', 'a', 'bcab', 'b', 'cacbbc'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$3\r\ncab\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:4\r\n:4\r\n:1\r\n*3\r\n*2\r\n:1\r\n:2\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:3\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:4\r\n:4\r\n:1\r\n*3\r\n*2\r\n:1\r\n:2\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:3\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '1'], '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:4\r\n*2\r\n:3\r\n:3\r\n*2\r\n*2\r\n:0\r\n:1\r\n*2\r\n:1\r\n:2\r\n$3\r\nlen\r\n:3\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:4\r\n*2\r\n:3\r\n:3\r\n*2\r\n*2\r\n:0\r\n:1\r\n*2\r\n:1\r\n:2\r\n$3\r\nlen\r\n:3\r\n'],
      [['mset', 'a', 'acabcbbaccbc', 'b', 'abba'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$4\r\nabba\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:5\r\n:7\r\n*2\r\n:1\r\n:3\r\n:3\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:4\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:5\r\n:7\r\n*2\r\n:1\r\n:3\r\n:3\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:4\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '3'], '*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:1\r\n:3\r\n*2\r\n:5\r\n:7\r\n$3\r\nlen\r\n:4\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:1\r\n:3\r\n*2\r\n:5\r\n:7\r\n$3\r\nlen\r\n:4\r\n'],
      [['mset', 'a', 'acaabcbaacb', 'b', ''], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$0\r\n\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '2'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n'],
      [['mset', 'a', 'cabaacbbab', 'b', 'a'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$1\r\na\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:8\r\n:8\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:8\r\n:8\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:1\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '2'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:1\r\n'],
      [['mset', 'a', 'cb', 'b', 'ccaacaabcacb'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$2\r\ncb\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:1\r\n*2\r\n:10\r\n:11\r\n:2\r\n$3\r\nlen\r\n:2\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:1\r\n*2\r\n:10\r\n:11\r\n:2\r\n$3\r\nlen\r\n:2\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '0'], '*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:10\r\n:11\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:2\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:10\r\n:11\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:2\r\n'],
      [['mset', 'a', 'bb', 'b', 'ccbca'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$1\r\nb\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:2\r\n:2\r\n:1\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:2\r\n:2\r\n:1\r\n$3\r\nlen\r\n:1\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '0'], '*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:2\r\n:2\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:2\r\n:2\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:1\r\n'],
      [['mset', 'a', 'bbacbacba', 'b', 'cacbccaaaccaba'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$7\r\nacbacba\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:7\r\n:8\r\n*2\r\n:12\r\n:13\r\n:2\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:10\r\n:10\r\n:1\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:8\r\n:8\r\n:1\r\n*3\r\n*2\r\n:2\r\n:4\r\n*2\r\n:1\r\n:3\r\n:3\r\n$3\r\nlen\r\n:7\r\n', '%2\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:7\r\n:8\r\n*2\r\n:12\r\n:13\r\n:2\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:10\r\n:10\r\n:1\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:8\r\n:8\r\n:1\r\n*3\r\n*2\r\n:2\r\n:4\r\n*2\r\n:1\r\n:3\r\n:3\r\n$3\r\nlen\r\n:7\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '0'], '*4\r\n$7\r\nmatches\r\n*4\r\n*2\r\n*2\r\n:12\r\n:13\r\n*2\r\n:7\r\n:8\r\n*2\r\n*2\r\n:10\r\n:10\r\n*2\r\n:6\r\n:6\r\n*2\r\n*2\r\n:8\r\n:8\r\n*2\r\n:5\r\n:5\r\n*2\r\n*2\r\n:1\r\n:3\r\n*2\r\n:2\r\n:4\r\n$3\r\nlen\r\n:7\r\n', '%2\r\n$7\r\nmatches\r\n*4\r\n*2\r\n*2\r\n:12\r\n:13\r\n*2\r\n:7\r\n:8\r\n*2\r\n*2\r\n:10\r\n:10\r\n*2\r\n:6\r\n:6\r\n*2\r\n*2\r\n:8\r\n:8\r\n*2\r\n:5\r\n:5\r\n*2\r\n*2\r\n:1\r\n:3\r\n*2\r\n:2\r\n:4\r\n$3\r\nlen\r\n:7\r\n'],
      [['mset', 'a', 'cbabab', 'b', 'bbbbbccbcca'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$3\r\nbbb\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:7\r\n:7\r\n:1\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:1\r\n:1\r\n:1\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:3\r\n', '%2\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:7\r\n:7\r\n:1\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:1\r\n:1\r\n:1\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:3\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '2'], '*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:6\r\n:7\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:3\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:6\r\n:7\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:3\r\n'],
      [['mset', 'a', 'bc', 'b', 'bcbcbbaacccbaa'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$2\r\nbc\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:10\r\n:10\r\n:1\r\n*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:5\r\n:5\r\n:1\r\n$3\r\nlen\r\n:2\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:10\r\n:10\r\n:1\r\n*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:5\r\n:5\r\n:1\r\n$3\r\nlen\r\n:2\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '3'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:2\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:2\r\n'],
      [['mset', 'a', 'bcaacab', 'b', ''], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$0\r\n\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '2'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n'],
      [['mset', 'a', 'ccacacbbaccc', 'b', 'acccbcccbbb'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$7\r\naccbccc\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:9\r\n:11\r\n*2\r\n:5\r\n:7\r\n:3\r\n*3\r\n*2\r\n:7\r\n:7\r\n*2\r\n:4\r\n:4\r\n:1\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:2\r\n:2\r\n:1\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:7\r\n', '%2\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:9\r\n:11\r\n*2\r\n:5\r\n:7\r\n:3\r\n*3\r\n*2\r\n:7\r\n:7\r\n*2\r\n:4\r\n:4\r\n:1\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:2\r\n:2\r\n:1\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:7\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '0'], '*4\r\n$7\r\nmatches\r\n*5\r\n*2\r\n*2\r\n:5\r\n:7\r\n*2\r\n:9\r\n:11\r\n*2\r\n*2\r\n:4\r\n:4\r\n*2\r\n:7\r\n:7\r\n*2\r\n*2\r\n:3\r\n:3\r\n*2\r\n:5\r\n:5\r\n*2\r\n*2\r\n:2\r\n:2\r\n*2\r\n:3\r\n:3\r\n*2\r\n*2\r\n:1\r\n:1\r\n*2\r\n:1\r\n:1\r\n$3\r\nlen\r\n:7\r\n', '%2\r\n$7\r\nmatches\r\n*5\r\n*2\r\n*2\r\n:5\r\n:7\r\n*2\r\n:9\r\n:11\r\n*2\r\n*2\r\n:4\r\n:4\r\n*2\r\n:7\r\n:7\r\n*2\r\n*2\r\n:3\r\n:3\r\n*2\r\n:5\r\n:5\r\n*2\r\n*2\r\n:2\r\n:2\r\n*2\r\n:3\r\n:3\r\n*2\r\n*2\r\n:1\r\n:1\r\n*2\r\n:1\r\n:1\r\n$3\r\nlen\r\n:7\r\n'],
      [['mset', 'a', 'acccbcabcb', 'b', 'baac'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$3\r\nbac\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:8\r\n:8\r\n*2\r\n:3\r\n:3\r\n:1\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:1\r\n:1\r\n:1\r\n*3\r\n*2\r\n:4\r\n:4\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:3\r\n', '%2\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:8\r\n:8\r\n*2\r\n:3\r\n:3\r\n:1\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:1\r\n:1\r\n:1\r\n*3\r\n*2\r\n:4\r\n:4\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:3\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '2'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:3\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:3\r\n'],
      [['mset', 'a', 'baaba', 'b', 'bbaabbcaa'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$5\r\nbaaba\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:4\r\n:4\r\n*2\r\n:8\r\n:8\r\n:1\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:0\r\n:2\r\n*2\r\n:1\r\n:3\r\n:3\r\n$3\r\nlen\r\n:5\r\n', '%2\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:4\r\n:4\r\n*2\r\n:8\r\n:8\r\n:1\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:0\r\n:2\r\n*2\r\n:1\r\n:3\r\n:3\r\n$3\r\nlen\r\n:5\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '0'], '*4\r\n$7\r\nmatches\r\n*3\r\n*2\r\n*2\r\n:8\r\n:8\r\n*2\r\n:4\r\n:4\r\n*2\r\n*2\r\n:5\r\n:5\r\n*2\r\n:3\r\n:3\r\n*2\r\n*2\r\n:1\r\n:3\r\n*2\r\n:0\r\n:2\r\n$3\r\nlen\r\n:5\r\n', '%2\r\n$7\r\nmatches\r\n*3\r\n*2\r\n*2\r\n:8\r\n:8\r\n*2\r\n:4\r\n:4\r\n*2\r\n*2\r\n:5\r\n:5\r\n*2\r\n:3\r\n:3\r\n*2\r\n*2\r\n:1\r\n:3\r\n*2\r\n:0\r\n:2\r\n$3\r\nlen\r\n:5\r\n'],
      [['mset', 'a', 'bcbbabacaaba', 'b', 'bbaabcb'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$6\r\nbbaacb\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:10\r\n:10\r\n*2\r\n:6\r\n:6\r\n:1\r\n*3\r\n*2\r\n:7\r\n:7\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:3\r\n:3\r\n:1\r\n*3\r\n*2\r\n:2\r\n:4\r\n*2\r\n:0\r\n:2\r\n:3\r\n$3\r\nlen\r\n:6\r\n', '%2\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:10\r\n:10\r\n*2\r\n:6\r\n:6\r\n:1\r\n*3\r\n*2\r\n:7\r\n:7\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:3\r\n:3\r\n:1\r\n*3\r\n*2\r\n:2\r\n:4\r\n*2\r\n:0\r\n:2\r\n:3\r\n$3\r\nlen\r\n:6\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '2'], '*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:3\r\n:4\r\n*2\r\n:4\r\n:5\r\n$3\r\nlen\r\n:6\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:3\r\n:4\r\n*2\r\n:4\r\n:5\r\n$3\r\nlen\r\n:6\r\n'],
      [['mset', 'a', '', 'b', 'cccbccbaaac'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$0\r\n\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '3'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n'],
      [['mset', 'a', 'bbbcaac', 'b', 'cccabab'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$3\r\ncaa\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:3\r\n:4\r\n*2\r\n:2\r\n:3\r\n:2\r\n$3\r\nlen\r\n:3\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:5\r\n:5\r\n:1\r\n*3\r\n*2\r\n:3\r\n:4\r\n*2\r\n:2\r\n:3\r\n:2\r\n$3\r\nlen\r\n:3\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '2'], '*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:3\r\n:4\r\n$3\r\nlen\r\n:3\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:3\r\n:4\r\n$3\r\nlen\r\n:3\r\n'],
      [['mset', 'a', 'b', 'b', 'bccbcbcbcbccba'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$1\r\nb\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:12\r\n:12\r\n:1\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:12\r\n:12\r\n:1\r\n$3\r\nlen\r\n:1\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '0'], '*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:12\r\n:12\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:12\r\n:12\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:1\r\n'],
      [['mset', 'a', 'ccc', 'b', 'baaaaabaabaaac'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$1\r\nc\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:13\r\n:13\r\n:1\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:2\r\n:2\r\n*2\r\n:13\r\n:13\r\n:1\r\n$3\r\nlen\r\n:1\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '2'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:1\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:1\r\n'],
      [['mset', 'a', 'aaabbacbcaab', 'b', 'accc'], '+OK\r\n'],
      [['lcs', 'a', 'b'], '$3\r\nacc\r\n'],
      [['lcs', 'a', 'b', 'idx', 'withmatchlen'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:8\r\n:8\r\n*2\r\n:2\r\n:2\r\n:1\r\n*3\r\n*2\r\n:5\r\n:6\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:3\r\n', '%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:8\r\n:8\r\n*2\r\n:2\r\n:2\r\n:1\r\n*3\r\n*2\r\n:5\r\n:6\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:3\r\n'],
      [['lcs', 'b', 'a', 'idx', 'minmatchlen', '3'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:3\r\n', '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:3\r\n'],
    ],
  },
  {
    name: 'GETRANGE on random ranges',
    steps: [
      [['set', 's', '0123456789'], '+OK\r\n'],
      [['getrange', 's', '0', '5'], '$6\r\n012345\r\n'],
      [['getrange', 's', '10', '-7'], '$0\r\n\r\n'],
      [['getrange', 's', '11', '-13'], '$0\r\n\r\n'],
      [['getrange', 's', '7', '10'], '$3\r\n789\r\n'],
      [['getrange', 's', '-10', '10'], '$10\r\n0123456789\r\n'],
      [['getrange', 's', '13', '-3'], '$0\r\n\r\n'],
      [['getrange', 's', '-6', '3'], '$0\r\n\r\n'],
      [['getrange', 's', '-14', '0'], '$1\r\n0\r\n'],
      [['getrange', 's', '14', '-7'], '$0\r\n\r\n'],
      [['getrange', 's', '-3', '0'], '$0\r\n\r\n'],
      [['getrange', 's', '-13', '-10'], '$1\r\n0\r\n'],
      [['getrange', 's', '-8', '-4'], '$5\r\n23456\r\n'],
      [['getrange', 's', '-12', '4'], '$5\r\n01234\r\n'],
      [['getrange', 's', '10', '-11'], '$0\r\n\r\n'],
      [['getrange', 's', '0', '-12'], '$1\r\n0\r\n'],
      [['getrange', 's', '11', '9'], '$0\r\n\r\n'],
      [['getrange', 's', '-12', '-7'], '$4\r\n0123\r\n'],
      [['getrange', 's', '-14', '10'], '$10\r\n0123456789\r\n'],
      [['getrange', 's', '-12', '14'], '$10\r\n0123456789\r\n'],
      [['getrange', 's', '12', '-9'], '$0\r\n\r\n'],
      [['getrange', 's', '6', '0'], '$0\r\n\r\n'],
      [['getrange', 's', '-8', '14'], '$8\r\n23456789\r\n'],
      [['getrange', 's', '8', '-8'], '$0\r\n\r\n'],
      [['getrange', 's', '-7', '1'], '$0\r\n\r\n'],
      [['getrange', 's', '12', '-1'], '$0\r\n\r\n'],
      [['getrange', 's', '5', '4'], '$0\r\n\r\n'],
      [['getrange', 's', '-12', '10'], '$10\r\n0123456789\r\n'],
      [['getrange', 's', '6', '-1'], '$4\r\n6789\r\n'],
      [['getrange', 's', '10', '2'], '$0\r\n\r\n'],
      [['getrange', 's', '10', '-2'], '$0\r\n\r\n'],
      [['getrange', 's', '2', '-6'], '$3\r\n234\r\n'],
      [['getrange', 's', '12', '12'], '$0\r\n\r\n'],
      [['getrange', 's', '14', '14'], '$0\r\n\r\n'],
      [['getrange', 's', '6', '8'], '$3\r\n678\r\n'],
      [['getrange', 's', '8', '-10'], '$0\r\n\r\n'],
      [['getrange', 's', '-7', '-3'], '$5\r\n34567\r\n'],
      [['getrange', 's', '9', '-8'], '$0\r\n\r\n'],
      [['getrange', 's', '-10', '1'], '$2\r\n01\r\n'],
      [['getrange', 's', '-14', '8'], '$9\r\n012345678\r\n'],
      [['getrange', 's', '9', '-10'], '$0\r\n\r\n'],
    ],
  },
];

// Needs a second type: runs once the engine has HSET (until then it is skipped with a note).
const WRONGTYPE_GROUPS: Group[] = [
  {
    name: 'WRONGTYPE and overwriting other types',
    steps: [
      [['hset', 'h', 'a', 'b'], ':1\r\n'],
      [['get', 'h'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['getset', 'h', 'v'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['getdel', 'h'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['getex', 'h'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['getex', 'h', 'ex', '0'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['getex', 'h', 'persist'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['getex', 'h', 'foo'], '-ERR syntax error\r\n'],
      [['getex', 'h', 'ex', 'abc'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['strlen', 'h'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['append', 'h', 'x'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['getrange', 'h', '0', '1'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['getrange', 'h', 'a', '1'], '-ERR value is not an integer or out of range\r\n'],
      [['substr', 'h', '0', '1'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['setrange', 'h', '0', 'x'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['setrange', 'h', '-1', 'x'], '-ERR offset is out of range\r\n'],
      [['setrange', 'h', '0', ''], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['setrange', 'h', '536870912', 'x'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['incr', 'h'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['decr', 'h'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['incrby', 'h', '1'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['incrby', 'h', 'abc'], '-ERR value is not an integer or out of range\r\n'],
      [['decrby', 'h', '1'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['decrby', 'h', '-9223372036854775808'], '-ERR decrement would overflow\r\n'],
      [['incrbyfloat', 'h', '1'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['incrbyfloat', 'h', 'abc'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['lcs', 'h', 'h'], '-ERR The specified keys must contain string values\r\n'],
      [['lcs', 'h', 'nokey'], '-ERR The specified keys must contain string values\r\n'],
      [['lcs', 'nokey', 'h'], '-ERR The specified keys must contain string values\r\n'],
      [['lcs', 'h', 'nokey', 'foo'], '-ERR The specified keys must contain string values\r\n'],
      [['mget', 'h', 'nokey'], '*2\r\n$-1\r\n$-1\r\n', '*2\r\n_\r\n_\r\n'],
      [['set', 'h', 'v', 'get'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['set', 'h', 'v', 'get', 'nx'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['set', 'h', 'v', 'nx'], '$-1\r\n', '_\r\n'],
      [['set', 'h', 'v', 'xx', 'get'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['setnx', 'h', 'v'], ':0\r\n'],
      [['msetnx', 'h', 'v', 'x', 'y'], ':0\r\n'],
      [['exists', 'x'], ':0\r\n'],
      [['set', 'k', 'v'], '+OK\r\n'],
      [['lcs', 'k', 'h'], '-ERR The specified keys must contain string values\r\n'],
      [['get', 'h'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
      [['set', 'h', 'v'], '+OK\r\n'],
      [['get', 'h'], '$1\r\nv\r\n'],
      [['hset', 'h2', 'a', 'b'], ':1\r\n'],
      [['expire', 'h2', '100'], ':1\r\n'],
      [['set', 'h2', 'v', 'keepttl'], '+OK\r\n'],
      [['ttl', 'h2'], ':100\r\n'],
      [['get', 'h2'], '$1\r\nv\r\n'],
      [['hset', 'h3', 'a', 'b'], ':1\r\n'],
      [['mset', 'h3', 'v'], '+OK\r\n'],
      [['get', 'h3'], '$1\r\nv\r\n'],
      [['hset', 'h4', 'a', 'b'], ':1\r\n'],
      [['setex', 'h4', '100', 'v'], '+OK\r\n'],
      [['get', 'h4'], '$1\r\nv\r\n'],
      [['hset', 'h5', 'a', 'b'], ':1\r\n'],
      [['getset', 'h5', 'v'], '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
    ],
  },
];

// Commands of other families used when present.
const OPTIONAL_COMMANDS: Array<[string, number]> = [['hset', -4]];

const ALL_COMMANDS = [...STRING_COMMANDS, ...HELPER_COMMANDS, ...OPTIONAL_COMMANDS];
const missing = native.init(
  16,
  ALL_COMMANDS.map(([name]) => name),
  Int32Array.from(ALL_COMMANDS.map(([, arity]) => arity)),
);

interface Executed {
  replies: Buffer;
  dirty: number;
  executed: number;
}

/** Frames `commands` into one input buffer and runs them as one native batch. */
function execute(commands: Array<Array<string | Buffer>>, resp: 2 | 3, db = 0): Executed {
  const parts: Buffer[] = [];
  const frames: number[] = [];
  let offset = 0;
  for (const command of commands) {
    frames.push(command.length);
    for (const arg of command) {
      const bytes = typeof arg === 'string' ? Buffer.from(arg, 'latin1') : arg;
      frames.push(offset, bytes.length);
      parts.push(bytes);
      offset += bytes.length;
    }
  }
  const control = new Int32Array(CONTROL_SIZE);
  control[Control.FrameCursor] = 0;
  control[Control.FrameEnd] = frames.length;
  control[Control.Db] = db;
  control[Control.Resp] = resp;
  control[Control.ClientFlags] = 0;
  const out = native.execute(Buffer.concat(parts), Int32Array.from(frames), control);
  assert.is(control[Control.Stopped], 0, 'the engine stopped at a command it does not own');
  assert.is(control[Control.FrameCursor], frames.length, 'the engine did not run every frame');
  return { replies: out === null ? Buffer.alloc(0) : Buffer.from(out.buffer, out.byteOffset, out.byteLength), dirty: control[Control.Dirty], executed: control[Control.Executed] };
}

/** Runs one command and returns its reply as a latin1 string (bytes map 1:1 to characters). */
function run(command: Array<string | Buffer>, resp: 2 | 3 = 2, db = 0): string {
  return execute([command], resp, db).replies.toString('latin1');
}

function show(bytes: string): string {
  return JSON.stringify(bytes.length > 300 ? bytes.slice(0, 300) + '...' : bytes);
}

function expectedOf(step: Step, resp: 2 | 3): string {
  return resp === 3 && step.length === 3 ? step[2] : step[1];
}

test('init knows every string command', () => {
  const missingStrings = missing.filter((name) => STRING_COMMANDS.some(([n]) => n === name));
  assert.equal(missingStrings, [], 'string commands without a handler');
  const missingHelpers = missing.filter((name) => HELPER_COMMANDS.some(([n]) => n === name));
  assert.equal(missingHelpers, [], 'commands used by these tests without a handler');
});

const hasHset = !missing.includes('hset');
if (!hasHset) console.log('strings-engine: no HSET in the engine yet, WRONGTYPE cases skipped');
for (const group of hasHset ? [...GROUPS, ...WRONGTYPE_GROUPS] : GROUPS) {
  for (const resp of [2, 3] as const) {
    test(`${group.name} (RESP${resp}, one command per call)`, () => {
      run(['flushall'], resp);
      const problems: string[] = [];
      group.steps.forEach((step, index) => {
        const actual = run(step[0], resp);
        const expected = expectedOf(step, resp);
        if (actual !== expected) {
          problems.push(`step ${index} ${show(step[0].join(' '))}\n    expected ${show(expected)}\n    actual   ${show(actual)}`);
        }
      });
      assert.ok(problems.length === 0, `RESP${resp} mismatches:\n  ${problems.join('\n  ')}`);
    });

    test(`${group.name} (RESP${resp}, one batch)`, () => {
      run(['flushall'], resp);
      const result = execute(group.steps.map((step) => step[0]), resp);
      assert.is(result.executed, group.steps.length);
      const expected = group.steps.map((step) => expectedOf(step, resp)).join('');
      assert.is(result.replies.toString('latin1'), expected);
    });
  }
}

// Keyspace changes per command (Redis's `dirty`, read from rdb_changes_since_last_save).
const DIRTY: Array<[string[], string, number]> = [
  [['set', 'k', 'v'], '+OK\r\n', 1],
  [['set', 'k', 'v', 'nx'], '$-1\r\n', 0],
  [['set', 'k', 'v', 'xx'], '+OK\r\n', 1],
  [['set', 'k', 'w', 'get'], '$1\r\nv\r\n', 1],
  [['mset', 'a', '1', 'b', '2', 'c', '3'], '+OK\r\n', 3],
  [['msetnx', 'a', '1', 'z', '2'], ':0\r\n', 0],
  [['msetnx', 'y', '1', 'z', '2'], ':1\r\n', 2],
  [['setnx', 'k', 'v'], ':0\r\n', 0],
  [['setnx', 'q', 'v'], ':1\r\n', 1],
  [['getex', 'k'], '$1\r\nw\r\n', 0],
  [['getex', 'k', 'persist'], '$1\r\nw\r\n', 0],
  [['getex', 'k', 'ex', '100'], '$1\r\nw\r\n', 1],
  [['getex', 'k', 'persist'], '$1\r\nw\r\n', 1],
  [['getex', 'k', 'exat', '1'], '$1\r\nw\r\n', 1],
  [['set', 'k', 'v'], '+OK\r\n', 1],
  [['getdel', 'k'], '$1\r\nv\r\n', 1],
  [['getdel', 'k'], '$-1\r\n', 0],
  [['append', 'k', 'abc'], ':3\r\n', 1],
  [['append', 'k', ''], ':3\r\n', 1],
  [['setrange', 'k', '0', ''], ':3\r\n', 0],
  [['setrange', 'k', '0', 'x'], ':3\r\n', 1],
  [['setrange', 'nk', '0', ''], ':0\r\n', 0],
  [['incr', 'n'], ':1\r\n', 1],
  [['incrby', 'n', '0'], ':1\r\n', 1],
  [['incrbyfloat', 'n', '0'], '$1\r\n1\r\n', 1],
  [['incr', 's'], ':1\r\n', 1],
  [['set', 'e', 'v', 'exat', '1'], '+OK\r\n', 1],
  [['lcs', 'a', 'b'], '$0\r\n\r\n', 0],
  [['getset', 'k', 'v'], '$3\r\nxbc\r\n', 1],
  [['get', 'k'], '$1\r\nv\r\n', 0],
  [['setex', 'k', '10', 'v'], '+OK\r\n', 1],
  [['psetex', 'k', '10000', 'v'], '+OK\r\n', 1],
];

test('keyspace change counts (dirty) match Redis', () => {
  run(['flushall']);
  const problems: string[] = [];
  for (const [command, reply, dirty] of DIRTY) {
    const result = execute([command], 2);
    const actual = result.replies.toString('latin1');
    if (actual !== reply || result.dirty !== dirty) {
      problems.push(`${command.join(' ')}: expected ${show(reply)} dirty ${dirty}, got ${show(actual)} dirty ${result.dirty}`);
    }
  }
  assert.ok(problems.length === 0, problems.join('\n'));
});

test('databases are separate', () => {
  run(['flushall']);
  assert.is(run(['set', 'k', 'zero'], 2, 0), '+OK\r\n');
  assert.is(run(['set', 'k', 'one'], 2, 1), '+OK\r\n');
  assert.is(run(['get', 'k'], 2, 0), '$4\r\nzero\r\n');
  assert.is(run(['get', 'k'], 2, 1), '$3\r\none\r\n');
  assert.is(run(['incr', 'k'], 2, 15), ':1\r\n');
  assert.is(run(['mget', 'k', 'x'], 3, 15), '*2\r\n$1\r\n1\r\n_\r\n');
});

test('wrong arity is refused before the handler runs', () => {
  assert.is(run(['get']), "-ERR wrong number of arguments for 'get' command\r\n");
  assert.is(run(['GET', 'a', 'b']), "-ERR wrong number of arguments for 'get' command\r\n");
  assert.is(run(['set', 'k']), "-ERR wrong number of arguments for 'set' command\r\n");
  assert.is(run(['mset', 'a', 'b', 'c']), "-ERR wrong number of arguments for 'mset' command\r\n");
  assert.is(run(['msetnx', 'a']), "-ERR wrong number of arguments for 'msetnx' command\r\n");
  assert.is(run(['lcs', 'a']), "-ERR wrong number of arguments for 'lcs' command\r\n");
  assert.is(run(['getex']), "-ERR wrong number of arguments for 'getex' command\r\n");
  assert.is(run(['SetRange', 'k', '0']), "-ERR wrong number of arguments for 'setrange' command\r\n");
});

test('command names are case-insensitive and values binary-safe', () => {
  run(['flushall']);
  const value = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  assert.is(run([Buffer.from('SeT'), Buffer.from('bin'), value]), '+OK\r\n');
  const reply = execute([['GET', 'bin']], 2).replies;
  assert.equal(reply, Buffer.concat([Buffer.from('$256\r\n'), value, Buffer.from('\r\n')]));
  assert.is(run(['STRLEN', 'bin']), ':256\r\n');
  assert.is(run(['append', 'bin', '\x00']), ':257\r\n');
});

test('large values: APPEND growth, SETRANGE far offsets, long INCRBYFLOAT results', () => {
  run(['flushall']);
  const chunk = 'x'.repeat(1000);
  let length = 0;
  for (let i = 0; i < 300; i++) {
    length += chunk.length;
    assert.is(run(['append', 'grow', chunk]), `:${length}\r\n`);
  }
  assert.is(run(['strlen', 'grow']), ':300000\r\n');
  assert.is(run(['getrange', 'grow', '299998', '-1']), '$2\r\nxx\r\n');
  assert.is(run(['setrange', 'far', '1000000', 'end']), ':1000003\r\n');
  assert.is(run(['getrange', 'far', '999998', '-1']), '$5\r\n\x00\x00end\r\n');
  assert.is(run(['object', 'encoding', 'far']), '$3\r\nraw\r\n');
  // 1e4932 printed with 17 decimals: 4933 integer digits, no fraction.
  assert.is(run(['set', 'f', '1e4932']), '+OK\r\n');
  const reply = run(['incrbyfloat', 'f', '0']);
  assert.ok(reply.startsWith('$4933\r\n1000000000000000000006018949387963891323837774254533114773785041'), show(reply));
});

test('an LCS table above proto-max-bulk-len is refused without allocating it', () => {
  run(['flushall']);
  const a = 'a'.repeat(11586);
  assert.is(run(['mset', 'x', a, 'y', a]), '+OK\r\n');
  assert.is(run(['lcs', 'x', 'y']), '-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n');
  assert.is(run(['lcs', 'x', 'y', 'len', 'idx']), '-ERR If you want both the length and indexes, please just use IDX.\r\n');
  assert.is(run(['lcs', 'x', 'missing', 'len']), ':0\r\n');
});

test.run();
