import type { EtcdctlStyle } from './etcdctlStyle';
import { OutputFormat, Printer, PrintOptions, unsupported } from './printer';

export type PrinterMethods = Omit<Printer, 'format' | 'style'>;

const METHODS: readonly (keyof PrinterMethods)[] = [
  'get',
  'put',
  'del',
  'txn',
  'grant',
  'revoke',
  'keepAlive',
  'timeToLive',
  'leases',
  'memberAdd',
  'memberRemove',
  'memberPromote',
  'memberList',
  'endpointHealth',
  'endpointStatus',
  'endpointHashKv',
  'alarm',
  'moveLeader',
  'children',
  'leaseDetails',
  'snapshotStatus',
  'doctorReport',
  'spaceReport',
  'searchHit',
];

/** What each format's printer is built from. */
export abstract class FormatPrinter {
  constructor(
    readonly style: EtcdctlStyle,
    protected readonly opts: PrintOptions = {},
  ) {}
}

/**
 * A whole Printer from the methods one format prints; the others refuse as etcdctl does ("table not
 * supported as output format").
 */
export function completePrinter(format: OutputFormat, impl: FormatPrinter & Partial<PrinterMethods>): Printer {
  const printer: Record<string, unknown> = { format, style: impl.style };
  for (const name of METHODS) {
    const method = impl[name] as ((...args: unknown[]) => unknown) | undefined;
    printer[name] = method
      ? method.bind(impl)
      : () => {
          throw unsupported(format);
        };
  }
  return printer as unknown as Printer;
}
