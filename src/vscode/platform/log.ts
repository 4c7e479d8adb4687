import * as vscode from 'vscode';
import { Logger, redact } from '../../core/log';

/** Adapts the extension's LogOutputChannel to core's Logger, tagging each line and masking secrets. */
export function createLogger(channel: vscode.LogOutputChannel, component: string): Logger {
  return {
    trace: (m) => channel.trace(`[${component}] ${redact(m)}`),
    info: (m) => channel.info(`[${component}] ${redact(m)}`),
    warn: (m) => channel.warn(`[${component}] ${redact(m)}`),
    error: (m) => channel.error(`[${component}] ${redact(m instanceof Error ? (m.stack ?? m.message) : m)}`),
  };
}
