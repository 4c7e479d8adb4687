/**
 * Text forms that must match Go exactly: encoding/json strings and 64-bit integers, time.Duration.String()
 * and time.ParseDuration over the whole int64 range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonExact, stringifyGo } from '../../src/core/k8s/goJson';
import { formatDuration, parseDuration } from '../../src/core/k8s/jsonForms';
import { parseText } from '../../src/core/k8s/yaml';

test("strings are escaped as Go's encoding/json escapes them", () => {
  assert.equal(stringifyGo('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
  assert.equal(stringifyGo('\u2028\u2029'), '"\\u2028\\u2029"');
  assert.equal(stringifyGo('\b\f\n\r\t\u0001\u001f"\\'), '"\\b\\f\\n\\r\\t\\u0001\\u001f\\"\\\\"');
  assert.equal(stringifyGo('\u007f é 😀'), '"\u007f é 😀"');
  assert.equal(stringifyGo('lone \ud800 surrogate'), '"lone \\ufffd surrogate"');
  assert.equal(stringifyGo({ '<': '>' }, { escapeHTML: false }), '{"<":">"}');
});

test('64-bit integers keep every digit through parse and stringify', () => {
  const text = '{"a":9223372036854775807,"b":-9223372036854775808,"c":18446744073709551615,"d":9007199254740991,"e":1e21,"f":1.5e-7}';
  const v = parseJsonExact(text) as Record<string, unknown>;
  assert.equal(v.a, 9223372036854775807n);
  assert.equal(v.b, -9223372036854775808n);
  assert.equal(v.c, 18446744073709551615n);
  assert.equal(v.d, 9007199254740991);
  assert.equal(
    stringifyGo(v),
    '{"a":9223372036854775807,"b":-9223372036854775808,"c":18446744073709551615,"d":9007199254740991,"e":1e+21,"f":1.5e-7}',
  );
  assert.deepEqual(parseText('n: 9223372036854775807\nm: 3\n').value, { n: 9223372036854775807n, m: 3 });
});

test('keys sort as Go sorts map keys (UTF-8 bytes), indentation as MarshalIndent', () => {
  assert.equal(stringifyGo({ b: 1, a: [1, {}], '\uffff': 0, '😀': 0 }, { sortKeys: true }), '{"a":[1,{}],"b":1,"\uffff":0,"😀":0}');
  assert.equal(stringifyGo({ a: [1, []], b: {} }, { indent: 2 }), '{\n  "a": [\n    1,\n    []\n  ],\n  "b": {}\n}');
});

test('durations print and parse as Go time.Duration does, across the int64 range', () => {
  const cases: [bigint | number, string][] = [
    [0, '0s'],
    [1, '1ns'],
    [1100, '1.1µs'],
    [1_500_000, '1.5ms'],
    [61_000_000_000, '1m1s'],
    [3_600_000_000_000, '1h0m0s'],
    [-90_000_000_000, '-1m30s'],
    [9223372036854775807n, '2562047h47m16.854775807s'],
    [-9223372036854775808n, '-2562047h47m16.854775808s'],
  ];
  for (const [ns, text] of cases) {
    assert.equal(formatDuration(ns), text);
    assert.equal(BigInt(parseDuration(text)!), BigInt(ns), text);
  }
  assert.equal(parseDuration('1.5h'), 5_400_000_000_000);
  assert.equal(parseDuration('2562047h47m16.854775808s'), undefined, 'beyond int64');
  assert.equal(parseDuration('5 minutes'), undefined);
});
