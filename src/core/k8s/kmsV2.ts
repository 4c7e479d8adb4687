/**
 * KMS v2 values (`k8s:enc:kms:v2:<provider>:`), decrypted the way kube-apiserver reads them, through the
 * KMS plugin its EncryptionConfiguration names (a gRPC service on a unix socket, k8s.io/kms/apis/v2).
 *
 * Facts from kubernetes/apiserver pkg/storage/value/encrypt/envelope/kmsv2 (envelope.go, v2/api.proto),
 * encrypt/aes/aes_extended_nonce.go and k8s.io/kms apis/v2/api.proto:
 * - after the prefix comes an EncryptedObject (proto3): encryptedData=1 bytes, keyID=2 string,
 *   encryptedDEKSource=3 bytes, annotations=4 map<string,bytes>, encryptedDEKSourceType=5 enum;
 * - the plugin's Decrypt(DecryptRequest{ciphertext=1: encryptedDEKSource, uid=2, key_id=3, annotations=4})
 *   returns DecryptResponse{plaintext=1}: the DEK source;
 * - source type HKDF_SHA256_XNONCE_AES_GCM_SEED (1, the default since 1.29): the source is a seed; the first
 *   32 bytes of encryptedData are the `info`, the AES-256 key is HKDF-Expand(SHA-256, seed, info, 32), and the
 *   rest is AES-GCM (12-byte nonce + ciphertext + 16-byte tag) with the etcd key as additional data;
 * - source type AES_GCM_KEY (0): the source is the AES key itself and encryptedData is that AES-GCM box.
 * Unwrapped DEK sources are cached per config, so each is asked from the plugin once. The plugin's gRPC
 * client is kmsPlugin.ts, imported only when a plugin is asked (decoding never loads gRPC otherwise).
 */
import * as crypto from 'node:crypto';
import { Reader, WIRE_BYTES, WIRE_VARINT, utf8Decode } from './wire';

export interface KmsV2Object {
  encryptedData: Uint8Array;
  keyId: string;
  encryptedDekSource: Uint8Array;
  annotations: Map<string, Uint8Array>;
  /** 0 AES_GCM_KEY, 1 HKDF_SHA256_XNONCE_AES_GCM_SEED. */
  dekSourceType: number;
}

export const KMS_INFO_SIZE = 32;

/** Parses the EncryptedObject that follows the prefix; throws on malformed data. */
export function parseKmsV2Object(data: Uint8Array): KmsV2Object {
  const out: KmsV2Object = {
    encryptedData: new Uint8Array(0),
    keyId: '',
    encryptedDekSource: new Uint8Array(0),
    annotations: new Map(),
    dekSourceType: 0,
  };
  const r = new Reader(data, 0, data.length);
  while (!r.done) {
    const [num, wt] = r.tag();
    if (num === 5 && wt === WIRE_VARINT) out.dekSourceType = r.varint();
    else if (wt !== WIRE_BYTES) r.skip(wt, num);
    else if (num === 1) out.encryptedData = r.bytes();
    else if (num === 2) out.keyId = r.string();
    else if (num === 3) out.encryptedDekSource = r.bytes();
    else if (num === 4) {
      const [s, e] = r.lengthDelimited();
      const entry = new Reader(data, s, e);
      let k = '';
      let v: Uint8Array = new Uint8Array(0);
      while (!entry.done) {
        const [n, w] = entry.tag();
        if (n === 1 && w === WIRE_BYTES) k = utf8Decode(entry.bytes());
        else if (n === 2 && w === WIRE_BYTES) v = entry.bytes();
        else entry.skip(w, n);
      }
      out.annotations.set(k, v);
    } else r.skip(wt, num);
  }
  if (out.encryptedData.length === 0 || out.encryptedDekSource.length === 0)
    throw new Error('the KMS v2 envelope has no encrypted data or no encrypted DEK');
  return out;
}

/** A cache key for one unwrapped DEK source. */
export function dekCacheKey(provider: string, obj: KmsV2Object): string {
  return `${provider}\0${obj.dekSourceType}\0${obj.keyId}\0${Buffer.from(obj.encryptedDekSource).toString('base64')}`;
}

/** The AES-GCM key and box for an object whose DEK source is known. */
export function kmsV2Box(obj: KmsV2Object, dekSource: Uint8Array): { key: Uint8Array; box: Uint8Array } {
  if (obj.dekSourceType !== 1) return { key: dekSource, box: obj.encryptedData };
  if (obj.encryptedData.length < KMS_INFO_SIZE) throw new Error('the KMS v2 data is shorter than its key-derivation info');
  const info = obj.encryptedData.subarray(0, KMS_INFO_SIZE);
  // HKDF-Expand with one block: T(1) = HMAC-SHA256(seed, info || 0x01) is the 32-byte key
  const key = crypto
    .createHmac('sha256', dekSource)
    .update(info)
    .update(Buffer.from([1]))
    .digest();
  return { key: new Uint8Array(key), box: obj.encryptedData.subarray(KMS_INFO_SIZE) };
}
