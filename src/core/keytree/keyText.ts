/**
 * Display text for etcd keys, which are arbitrary bytes. Printable UTF-8 is shown as is (so
 * `/registry/ñ` reads naturally); every other byte becomes `\xNN` and a backslash becomes `\\`.
 * `parseKeyText` is the exact inverse, so a key shown to the user can be typed back and addresses
 * the same bytes.
 */
import { EtcdStudioError } from '../errors';

/** Unicode control, format, surrogate, private-use and unassigned code points, and line/paragraph separators. */
const NON_PRINTABLE = /[\p{C}\p{Zl}\p{Zp}]/u;

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, surrogates or > U+10FFFF), else 0. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf) => i + j < b.length && b[i + j] >= lo && b[i + j] <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

function hexByte(n: number): string {
  return '\\x' + n.toString(16).padStart(2, '0');
}

/** The display form of a key (or key segment): printable UTF-8 as is, other bytes as `\xNN`, `\` as `\\`. */
export function keyToText(key: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < key.length) {
    const c = key[i];
    if (c >= 0x20 && c < 0x7f) {
      out += c === 0x5c ? '\\\\' : String.fromCharCode(c);
      i++;
      continue;
    }
    const len = utf8SequenceLength(key, i);
    const ch = len > 1 ? Buffer.from(key.subarray(i, i + len)).toString('utf8') : '';
    if (len > 1 && !NON_PRINTABLE.test(ch)) {
      out += ch;
      i += len;
    } else {
      // Escape every byte of a non-printable character too, so the inverse stays byte-exact.
      for (let j = 0; j < Math.max(len, 1); j++) out += hexByte(key[i + j]);
      i += Math.max(len, 1);
    }
  }
  return out;
}

/** The exact bytes a display text stands for (the inverse of keyToText). Throws on a malformed escape. */
export function keyFromText(text: string): Buffer {
  const parts: Buffer[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push(Buffer.from(literal, 'utf8'));
    literal = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '\\') {
      literal += ch;
      continue;
    }
    const next = text[i + 1];
    if (next === '\\') {
      literal += '\\';
      i++;
    } else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      flush();
      parts.push(Buffer.from([parseInt(text.slice(i + 2, i + 4), 16)]));
      i += 3;
    } else {
      throw new EtcdStudioError(
        'InvalidArgument',
        `"${text}" has a malformed escape at position ${i + 1}: write a backslash as \\\\ and a raw byte as \\xNN (two hex digits).`,
      );
    }
  }
  flush();
  return Buffer.concat(parts);
}
