import assert from 'node:assert/strict';
import { EtcdStudioError } from '../../src/core/errors';

/** The EtcdStudioError `p` rejects with (the test fails if it resolves or rejects with anything else). */
export async function failure(p: Promise<unknown>): Promise<EtcdStudioError> {
  const err = await p.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EtcdStudioError, `expected an EtcdStudioError, got ${String(err)}`);
  return err;
}
