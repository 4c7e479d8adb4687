/**
 * Messages between the Cluster Overview webview and the extension. The extension samples the cluster
 * and computes everything (src/core/dashboard); the webview only draws the model and sends back what
 * the user pressed. Type-only imports: the webview bundle carries no Node code.
 */
import type { FixAction } from '../core/doctor/finding';
import type { OverviewModel } from '../core/dashboard/model';

export type ToOverview =
  | { type: 'model'; model: OverviewModel; refreshSeconds: number; paused: boolean }
  | { type: 'status'; paused: boolean; busy?: string; error?: string };

export type FromOverview =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'pause'; paused: boolean }
  | { type: 'fix'; fix: FixAction }
  | { type: 'report'; report: 'status' | 'health' | 'members' | 'alarms' | 'hashkv' };
