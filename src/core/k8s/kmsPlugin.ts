/** The KMS v2 plugin's Decrypt call over gRPC (k8s.io/kms apis/v2); see kmsV2.ts for the value format. */
import * as crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { KmsV2Object } from './kmsV2';
import { Reader, WIRE_BYTES, Writer } from './wire';

/** gRPC status codes that mean "the plugin is not reachable from here". */
export const UNREACHABLE_CODES: ReadonlySet<number> = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);

/** `unix:///run/kms.sock` (as in the EncryptionConfiguration) -> a gRPC target. */
function grpcTarget(endpoint: string): string {
  const m = /^unix:\/\/(.*)$/.exec(endpoint);
  if (!m) throw new Error(`the KMS endpoint ${endpoint} is not a unix:// socket`);
  return `unix://${m[1].startsWith('/') ? '' : '/'}${m[1]}`;
}

/** Asks the KMS v2 plugin at `endpoint` to decrypt a DEK source (the plugin's Decrypt call). */
export function pluginDecrypt(endpoint: string, obj: KmsV2Object, timeoutMs: number): Promise<Uint8Array> {
  const req = new Writer(64).lengthDelimited(1, obj.encryptedDekSource).string(2, crypto.randomUUID()).string(3, obj.keyId);
  for (const [k, v] of [...obj.annotations].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    req.lengthDelimited(4, new Writer(32).string(1, k).lengthDelimited(2, v).finish());
  }
  const client = new grpc.Client(grpcTarget(endpoint), grpc.credentials.createInsecure());
  return new Promise<Uint8Array>((resolve, reject) => {
    client.makeUnaryRequest(
      '/v2.KeyManagementService/Decrypt',
      (b: Uint8Array) => Buffer.from(b),
      (b: Buffer) => b,
      req.finish(),
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (err, resp) => {
        client.close();
        if (err || !resp) return reject(err ?? new Error('empty answer'));
        const r = new Reader(resp, 0, resp.length);
        let plain: Uint8Array | undefined;
        while (!r.done) {
          const [n, w] = r.tag();
          if (n === 1 && w === WIRE_BYTES) plain = r.bytes().slice();
          else r.skip(w, n);
        }
        if (!plain?.length) return reject(new Error('the plugin returned no plaintext'));
        resolve(plain);
      },
    );
  });
}
