/**
 * The longest run of characters every match of a regular expression must contain, or undefined when
 * none can be told (an alternation at the top level, or only classes and groups). Conservative: it
 * may miss a literal, never claim a wrong one. `nginx:1\.2[0-9]` -> "nginx:1.2"; `a(b|c)d` -> "a".
 */
export function requiredLiteral(source: string): string | undefined {
  return requiredLiterals(source)[0];
}

/** Every run of characters every match must contain (see requiredLiteral), longest first. */
export function requiredLiterals(source: string): string[] {
  const runs: string[] = [];
  let run = '';
  const end = () => {
    if (run) runs.push(run);
    run = '';
  };
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (depth > 0) {
      // Inside a group: skip to its end (alternatives inside are not required).
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === '[') i = skipClass(source, i);
      if (depth === 0) i = skipQuantifier(source, i + 1) - 1;
      continue;
    }
    let atom: string | undefined;
    switch (c) {
      case '|':
        // A top-level alternative: no single literal is required by both sides.
        return [];
      case '(':
        end();
        depth = 1;
        continue;
      case '[':
        end();
        i = skipClass(source, i);
        i = skipQuantifier(source, i + 1) - 1;
        continue;
      case '.':
      case '^':
      case '$':
        end();
        i = skipQuantifier(source, i + 1) - 1;
        continue;
      case '\\': {
        const n = source[i + 1];
        i++;
        if (n === undefined) return [];
        // \d \w \s \b \p{…} \uXXXX \xXX \1 … are not one literal character we can name.
        if (/[dDwWsSbBpPkuxc0-9]/.test(n)) {
          end();
          i = skipQuantifier(source, i + 1) - 1;
          continue;
        }
        atom = n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n === 'f' ? '\f' : n === 'v' ? '\v' : n;
        break;
      }
      default:
        atom = c;
    }
    const q = source[i + 1];
    if (q === '?' || q === '*' || (q === '{' && /^\{0[,}]/.test(source.slice(i + 1)))) {
      // Optional: not required, and it breaks the run.
      end();
      i = skipQuantifier(source, i + 1) - 1;
    } else if (q === '+' || q === '{') {
      // Required once, but what follows may come after repeats.
      run += atom;
      end();
      i = skipQuantifier(source, i + 1) - 1;
    } else {
      run += atom;
    }
  }
  end();
  return runs.sort((x, y) => y.length - x.length);
}

/** Index of the `]` closing the class opened at `i`. */
function skipClass(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '^') j++;
  if (s[j] === ']') j++;
  for (; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === ']') return j;
  }
  return s.length;
}

/** Index after a quantifier starting at `i` (i itself when there is none). */
function skipQuantifier(s: string, i: number): number {
  const c = s[i];
  let j = i;
  if (c === '?' || c === '*' || c === '+') j = i + 1;
  else if (c === '{') {
    const m = /^\{\d*(,\d*)?\}/.exec(s.slice(i));
    if (m) j = i + m[0].length;
  }
  if (j > i && s[j] === '?') j++;
  return j;
}

/** A literal string as a regular expression source. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
