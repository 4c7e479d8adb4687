/**
 * Splits one logical line of an etcdctl script into words, the way a shell would for the common
 * cases people paste from their notes: whitespace separates words, '...' is literal, "..." takes
 * Go escapes (what etcdctl itself uses for txn and interactive input: \n \t \" \\ \xNN \uNNNN …),
 * adjacent pieces join (`--key="a b"` is one word), `#` at the start of a word starts a comment,
 * and a trailing backslash continues the command on the next line.
 */

/** Zero-based line/character, like LSP positions (character counts UTF-16 code units). */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Token {
  /** The word as written, quotes included. */
  raw: string;
  /** The exact bytes the word stands for after quotes and escapes. */
  bytes: Buffer;
  /** `bytes` as UTF-8 text (flags, command names, messages). */
  value: string;
  range: Range;
  /** Some part of the word was quoted (a quoted word is never a flag). */
  quoted: boolean;
  /** A quote left open at the end of the line. */
  unterminated?: boolean;
}

export interface TokenError {
  message: string;
  range: Range;
}

export interface TokenizedLine {
  tokens: Token[];
  errors: TokenError[];
  /** The `# …` comment that ends the command, if any. */
  comment?: { text: string; range: Range };
  /** Lines the command took (more than one when continued with a trailing backslash). */
  lastLine: number;
}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 0x5c, '"': 0x22 };

/**
 * Decodes a Go-style escape at `s[i]` (just after the backslash). Returns the bytes and how many
 * characters it used, or an error message.
 */
function goEscape(s: string, i: number): { bytes: Buffer; used: number } | { error: string } {
  const c = s[i];
  if (c === undefined) return { error: 'a backslash at the end of a quoted string' };
  if (c in SIMPLE_ESCAPES) return { bytes: Buffer.from([SIMPLE_ESCAPES[c]]), used: 1 };
  const hex = (n: number) =>
    /^[0-9a-fA-F]+$/.test(s.slice(i + 1, i + 1 + n)) && s.length >= i + 1 + n ? s.slice(i + 1, i + 1 + n) : undefined;
  if (c === 'x') {
    const h = hex(2);
    return h ? { bytes: Buffer.from([parseInt(h, 16)]), used: 3 } : { error: '\\x needs two hex digits (\\xNN)' };
  }
  if (c === 'u' || c === 'U') {
    const n = c === 'u' ? 4 : 8;
    const h = hex(n);
    const cp = h ? parseInt(h, 16) : NaN;
    if (!h || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return { error: `\\${c} needs ${n} hex digits of a valid code point` };
    return { bytes: Buffer.from(String.fromCodePoint(cp), 'utf8'), used: 1 + n };
  }
  if (/[0-7]/.test(c)) {
    const o = s.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(o) || parseInt(o, 8) > 255) return { error: 'an octal escape needs three digits up to \\377' };
    return { bytes: Buffer.from([parseInt(o, 8)]), used: 3 };
  }
  return { error: `\\${c} is not an escape in double quotes (write \\\\ for a backslash)` };
}

function pos(line: number, character: number): Position {
  return { line, character };
}

/**
 * Tokenizes the command starting at `lines[first]`. Only complete words end up in `tokens`; an
 * unterminated quote yields a token marked `unterminated` and an error.
 */
export function tokenizeCommand(lines: readonly string[], first: number): TokenizedLine {
  const tokens: Token[] = [];
  const errors: TokenError[] = [];
  let comment: TokenizedLine['comment'];
  let lineNo = first;
  let s = lines[first] ?? '';
  let i = 0;
  for (;;) {
    while (i < s.length && /\s/.test(s[i])) i++;
    // A lone trailing backslash continues the command on the next line.
    if (s[i] === '\\' && i === s.length - 1 && lineNo + 1 < lines.length) {
      lineNo++;
      s = lines[lineNo];
      i = 0;
      continue;
    }
    if (i >= s.length) break;
    if (s[i] === '#') {
      comment = { text: s.slice(i), range: { start: pos(lineNo, i), end: pos(lineNo, s.length) } };
      break;
    }
    const start = i;
    const parts: Buffer[] = [];
    let quoted = false;
    let unterminated = false;
    while (i < s.length && !/\s/.test(s[i])) {
      const c = s[i];
      if (c === "'") {
        quoted = true;
        const close = s.indexOf("'", i + 1);
        if (close < 0) {
          unterminated = true;
          parts.push(Buffer.from(s.slice(i + 1), 'utf8'));
          i = s.length;
          break;
        }
        parts.push(Buffer.from(s.slice(i + 1, close), 'utf8'));
        i = close + 1;
      } else if (c === '"') {
        quoted = true;
        i++;
        let closed = false;
        while (i < s.length) {
          if (s[i] === '"') {
            closed = true;
            i++;
            break;
          }
          if (s[i] === '\\') {
            const e = goEscape(s, i + 1);
            if ('error' in e) {
              errors.push({ message: e.error, range: { start: pos(lineNo, i), end: pos(lineNo, Math.min(i + 2, s.length)) } });
              i += 2;
            } else {
              parts.push(e.bytes);
              i += 1 + e.used;
            }
            continue;
          }
          const cp = s.codePointAt(i)!;
          const ch = String.fromCodePoint(cp);
          parts.push(Buffer.from(ch, 'utf8'));
          i += ch.length;
        }
        if (!closed) unterminated = true;
      } else if (c === '\\' && i + 1 < s.length) {
        // Outside quotes a backslash keeps the next character, as in a shell.
        parts.push(Buffer.from(s[i + 1], 'utf8'));
        i += 2;
      } else {
        const ch = String.fromCodePoint(s.codePointAt(i)!);
        parts.push(Buffer.from(ch, 'utf8'));
        i += ch.length;
      }
    }
    const range = { start: pos(lineNo, start), end: pos(lineNo, i) };
    const bytes = Buffer.concat(parts);
    if (unterminated) errors.push({ message: 'This quote is never closed.', range });
    tokens.push({ raw: s.slice(start, i), bytes, value: bytes.toString('utf8'), range, quoted, ...(unterminated ? { unterminated } : {}) });
  }
  return { tokens, errors, ...(comment ? { comment } : {}), lastLine: lineNo };
}

/** Quotes a word so tokenizeCommand reads back exactly `bytes` (bare when nothing needs quoting). */
export function quoteWord(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8');
  const roundTrips = Buffer.from(text, 'utf8').equals(Buffer.from(bytes));
  if (roundTrips && text !== '' && /^[^\s'"\\#]+$/.test(text)) return text;
  let out = '"';
  for (const ch of roundTrips ? text : '') {
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (/[\p{C}]/u.test(ch)) for (const b of Buffer.from(ch, 'utf8')) out += '\\x' + b.toString(16).padStart(2, '0');
    else out += ch;
  }
  if (!roundTrips)
    for (const b of bytes)
      out += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : '\\x' + b.toString(16).padStart(2, '0');
  return out + '"';
}
