/** Parse problems of an etcdctl script as LSP diagnostics. */
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import type { Severity } from '../core/script/types';
import type { ScriptDocument } from './scriptDocuments';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function scriptDiagnostics(doc: ScriptDocument): Diagnostic[] {
  return doc.script.diagnostics.map((d) => ({ range: d.range, message: d.message, severity: SEVERITY[d.severity], source: 'etcdctl' }));
}
