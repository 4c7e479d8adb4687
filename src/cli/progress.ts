import { CliIo } from './io';

/**
 * One self-overwriting progress line on stderr when it is a terminal (nothing otherwise, so piped
 * output and tests stay clean); `undefined` clears it. At most ~10 updates a second.
 */
export function progressLine(io: CliIo): (text: string | undefined) => void {
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  let last = 0;
  let shown = false;
  return (text) => {
    if (!tty) return;
    if (text === undefined) {
      if (shown) io.stderr.write('\r\x1b[K');
      shown = false;
      return;
    }
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    shown = true;
    io.stderr.write(`\r\x1b[K${text}`);
  };
}
