/**
 * One line of search input, as typed in VS Code's search box: plain text (matched as it is), or
 * /regex/flags, plus field matches — words that start with a path and an operator:
 *   nginx:1.25                                  text
 *   /nginx:1\.2[0-9]/i                          regular expression, ignoring case
 *   spec.containers[*].image=~nginx             a field match alone
 *   "app=web" metadata.namespace=default        quoted text and a field match
 * Words are split at spaces outside quotes and brackets; the words that are not field matches form
 * the text, joined by single spaces.
 */
import { EtcdStudioError } from '../errors';
import type { SearchInput } from './query';

const FIELD = /^(?:[A-Za-z_$][\w$-]*|\[[^\]]*\]|\*)(?:\.[A-Za-z_$*][\w$-]*|\.\*|\[[^\]]*\]|\\\.[^\s.[]*)*(?:!=|!~|=~|==|=)/;

function words(line: string): { text: string; quoted: boolean }[] {
  const out: { text: string; quoted: boolean }[] = [];
  let cur = '';
  let quote = '';
  let depth = 0;
  let quoted = false;
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = '';
      else cur += c;
      continue;
    }
    if ((c === '"' || c === "'") && depth === 0 && cur === '') {
      quote = c;
      quoted = true;
      continue;
    }
    if (c === '[') depth++;
    if (c === ']') depth = Math.max(0, depth - 1);
    if (c === ' ' && depth === 0) {
      if (cur || quoted) out.push({ text: cur, quoted });
      cur = '';
      quoted = false;
      continue;
    }
    cur += c;
  }
  if (quote) throw new EtcdStudioError('InvalidArgument', `The search has an unclosed ${quote}.`);
  if (cur || quoted) out.push({ text: cur, quoted });
  return out;
}

export function parseSearchLine(line: string): SearchInput {
  const trimmed = line.trim();
  if (!trimmed)
    throw new EtcdStudioError(
      'InvalidArgument',
      'Type something to search for: text, /regex/, or a field match like metadata.labels.app=web.',
    );
  // A whole-line /regex/flags keeps its spaces.
  const whole = /^\/(.+)\/([a-z]*)$/.exec(trimmed);
  if (whole && !whole[1].includes('/ ')) return regexInput(whole[1], whole[2], []);
  const fields: string[] = [];
  const text: string[] = [];
  for (const w of words(trimmed)) {
    if (!w.quoted && FIELD.test(w.text)) fields.push(w.text);
    else text.push(w.text);
  }
  const joined = text.join(' ');
  const re = /^\/(.+)\/([a-z]*)$/.exec(joined);
  if (re) return regexInput(re[1], re[2], fields);
  return { ...(joined ? { pattern: joined, fixed: true } : {}), fields };
}

function regexInput(source: string, flags: string, fields: string[]): SearchInput {
  const unknown = flags.replace(/i/g, '');
  if (unknown) throw new EtcdStudioError('InvalidArgument', `Only the i flag (ignore case) is supported after a /regex/, got "${flags}".`);
  return { pattern: source, ignoreCase: flags.includes('i'), fields };
}
