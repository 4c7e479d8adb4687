/** A tiny logger interface core code writes to; the VS Code shell adapts it to a LogOutputChannel. */
export interface Logger {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

const SECRET_PATTERNS: RegExp[] = [
  /(password["']?\s*[:=]\s*["']?)[^"'\s,}]+/gi,
  /(--password[= ])\S+/gi,
  /(--user[= ][^:\s]+:)\S+/gi,
  // credentials in a URL: https://user:secret@host
  /(\/\/[^/@:\s]+:)[^/@\s]+(?=@)/g,
  /(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----)/g,
];

/** Masks passwords and private keys before anything reaches a log or an error report. */
export function redact(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) {
    out = out.replace(re, (_m, a: string, b?: string) => (b !== undefined && b.startsWith('-----END') ? `${a}…${b}` : `${a}***`));
  }
  return out;
}

export const silentLogger: Logger = { trace() {}, info() {}, warn() {}, error() {} };

/** Logger that writes redacted lines to stderr (the CLI's). */
export function stderrLogger(verbose: boolean): Logger {
  const write = (level: string, m: string | Error) =>
    process.stderr.write(`[${level}] ${redact(m instanceof Error ? (m.stack ?? m.message) : m)}\n`);
  return {
    trace: (m) => verbose && write('trace', m),
    info: (m) => verbose && write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
  };
}
