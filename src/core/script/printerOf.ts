import type { EtcdConnection } from '../etcd/connection';
import { outputFormat, Printer, printerFor } from '../output';
import { ScriptCommand, writeOut } from './types';

/** The printer a script command's `-w` asks for, printing like the etcdctl of the server the connection reached. */
export function printerOf(conn: EtcdConnection, cmd: ScriptCommand): Printer {
  // The script checker has already refused unknown formats and protobuf; simple is etcdctl's default.
  const format = writeOut(cmd);
  return printerFor(format === 'protobuf' ? 'simple' : outputFormat(format), conn.serverVersion);
}
