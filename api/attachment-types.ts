/**
 * Which files an applicant's material may be, judged from the bytes alone (the name and the declared
 * type are the uploader's word): PDF, JPEG, PNG, and OFD (GB/T 33190, China's fixed-layout format),
 * which is a ZIP whose root holds `OFD.xml`.
 */
import { fileTypeFromBuffer } from 'file-type';

export const ALLOWED_TYPES = [
  { name: 'PDF', mime: 'application/pdf' },
  { name: 'JPEG', mime: 'image/jpeg' },
  { name: 'PNG', mime: 'image/png' },
  { name: 'OFD', mime: 'application/ofd' },
] as const;

export const ALLOWED_NAMES = ALLOWED_TYPES.map((t) => t.name).join(', ');

export type Detected = { ok: true; contentType: string } | { ok: false; found: string };

export async function detectMaterialType(bytes: Uint8Array): Promise<Detected> {
  const type = await fileTypeFromBuffer(bytes);
  if (!type) return { ok: false, found: 'of no recognised file type' };
  if (type.ext === 'zip') {
    return zipHasRootEntry(bytes, 'OFD.xml') ? { ok: true, contentType: 'application/ofd' } : { ok: false, found: 'a ZIP archive without OFD.xml at its root, so not an OFD document' };
  }
  if (ALLOWED_TYPES.some((t) => t.mime === type.mime)) return { ok: true, contentType: type.mime };
  return { ok: false, found: `${type.ext.toUpperCase()} (${type.mime})` };
}

const EOCD = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;

/**
 * Whether a ZIP's central directory lists `name` at the archive's root. Read from the end of the
 * archive, as unzip does: the local headers at the front may be followed by anything.
 */
export function zipHasRootEntry(bytes: Uint8Array, name: string): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record is 22 bytes, followed by a comment of at most 65 535.
  const earliest = Math.max(0, bytes.length - 22 - 0xffff);
  let eocd = -1;
  for (let at = bytes.length - 22; at >= earliest; at--) {
    if (view.getUint32(at, true) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) return false;
  const entries = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const decoder = new TextDecoder();
  for (let i = 0; i < entries; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL_ENTRY) return false;
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength > bytes.length) return false;
    if (decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)) === name) return true;
    at += 46 + nameLength + extraLength + commentLength;
  }
  return false;
}
