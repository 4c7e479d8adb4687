/**
 * A search as the user states it — a text or regex pattern matched line by line against the decoded
 * YAML (text values as they are), and field matches — compiled once into regexes, field paths and
 * the literals that let most values be ruled out from their stored bytes (prefilter.ts).
 */
import { EtcdStudioError } from '../errors';
import { FieldMatch, parseFieldMatch } from './fieldPath';
import { Prefilter, textPrefilter, valuePrefilter } from './prefilter';
import { escapeRegex, requiredLiterals } from './requiredLiteral';

export interface SearchInput {
  /** A regular expression (JavaScript syntax), or plain text with `fixed`. */
  pattern?: string;
  fixed?: boolean;
  ignoreCase?: boolean;
  /** Field matches, all of which must hold: `spec.containers[*].image=~nginx`. */
  fields?: string[];
}

export interface SearchQuery {
  input: SearchInput;
  /** Tested against each line of the decoded text. */
  pattern?: RegExp;
  fields: FieldMatch[];
  /** Literals every match contains in its stored bytes (all must be present), see prefilter.ts. */
  prefilters: Prefilter[];
}

export function compileQuery(input: SearchInput): SearchQuery {
  const fields = (input.fields ?? []).map((f) => parseFieldMatch(f, input.ignoreCase));
  if ((input.pattern === undefined || input.pattern === '') && !fields.length) {
    throw new EtcdStudioError(
      'InvalidArgument',
      'Nothing to search for: give a pattern, a field match (PATH=VALUE, PATH=~REGEX), or both.',
    );
  }
  let pattern: RegExp | undefined;
  let literals: string[] = [];
  if (input.pattern) {
    const source = input.fixed ? escapeRegex(input.pattern) : input.pattern;
    try {
      pattern = new RegExp(source, input.ignoreCase ? 'i' : '');
    } catch (e) {
      throw new EtcdStudioError(
        'InvalidArgument',
        `The pattern is not a valid regular expression (${(e as Error).message}). Use --fixed-strings (-F) to search for it as plain text.`,
      );
    }
    literals = input.fixed ? [input.pattern] : requiredLiterals(source);
  }
  const ignoreCase = input.ignoreCase === true;
  const prefilters: Prefilter[] = [];
  const text = best(literals.map((l) => textPrefilter(l, ignoreCase)));
  if (text) prefilters.push(text);
  for (const f of fields) {
    const values = f.op === '=' ? [f.value!] : f.op === '=~' ? requiredLiterals(f.regex!.source) : [];
    const p = best(values.map((v) => valuePrefilter(v, ignoreCase)));
    if (p) prefilters.push(p);
  }
  return { input, pattern, fields, prefilters };
}

/** Of the required literals (longest first), the longest one sound for protobuf values, else the longest. */
function best(candidates: (Prefilter | undefined)[]): Prefilter | undefined {
  const usable = candidates.filter((p): p is Prefilter => p !== undefined);
  return usable.find((p) => p.protobuf) ?? usable[0];
}

/** One line for logs and result headers: `nginx` + `spec.containers[*].image=~nginx`. */
export function describeQuery(q: SearchQuery): string {
  const parts: string[] = [];
  if (q.input.pattern) parts.push(q.input.fixed ? JSON.stringify(q.input.pattern) : `/${q.input.pattern}/${q.input.ignoreCase ? 'i' : ''}`);
  for (const f of q.fields) parts.push(f.source);
  return parts.join(' and ');
}
