import { BadRequestException } from '@nestjs/common';

/** One file of a media field in an `nfm_reply`'s `response_json`: a Cloud API media id. */
export interface CompletionMediaObject {
  id: string;
  file_name?: string;
  mime_type?: string;
  /** SHA-256 of the file (base64 in the webhook; the media endpoint answers hex). */
  sha256?: string;
}

/** A media object with its keys decoded and their lengths checked. */
export interface ParsedMediaObject {
  mediaId: string;
  url: URL;
  fileName: string;
  encryptedHash: Buffer;
  iv: Buffer;
  key: Buffer;
  hmacKey: Buffer;
  plaintextHash: Buffer;
}

/** Meta's PhotoPicker and DocumentPicker send at most 30 files per field. */
export const MAX_FILES_PER_FIELD = 30;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function base64Of(value: unknown, path: string, bytes: number): Buffer {
  if (typeof value !== 'string' || !BASE64.test(value) || value.length % 4 !== 0) {
    throw new BadRequestException(`${path} must be a base64 string`);
  }
  const decoded = Buffer.from(value, 'base64');
  if (decoded.length !== bytes) throw new BadRequestException(`${path} must be ${bytes} bytes, got ${decoded.length}`);
  return decoded;
}

function text(value: unknown, path: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0) throw new BadRequestException(`${path} must be a non-empty string`);
  if (value.length > max) throw new BadRequestException(`${path} is longer than ${max} characters`);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new BadRequestException(`${path} must not contain control characters`);
  return value;
}

/**
 * The files of one field, checked: an array of media objects, each with every field present and of
 * the right type and length. The messages name the field and the index, never the keys' values.
 */
export function parseMediaField(field: string, value: unknown, limits: { min?: number; max?: number } = {}): ParsedMediaObject[] {
  const files = value === undefined || value === null || value === '' ? [] : value;
  if (!Array.isArray(files)) throw new BadRequestException(`${field} must be a list of files`);
  const min = limits.min ?? 0;
  const max = Math.min(limits.max ?? MAX_FILES_PER_FIELD, MAX_FILES_PER_FIELD);
  if (files.length < min) throw new BadRequestException(min === 1 ? `Please attach at least one file` : `Please attach at least ${min} files`);
  if (files.length > max) throw new BadRequestException(max === 1 ? `Please attach only one file` : `Please attach at most ${max} files`);
  const seen = new Set<string>();
  return files.map((file, index) => {
    const path = `${field}[${index}]`;
    if (!file || typeof file !== 'object' || Array.isArray(file)) throw new BadRequestException(`${path} must be a media object`);
    const object = file as Record<string, unknown>;
    const mediaId = text(object.media_id, `${path}.media_id`, 200);
    if (seen.has(mediaId)) throw new BadRequestException(`${path} is attached twice`);
    seen.add(mediaId);
    const fileName = text(object.file_name, `${path}.file_name`, 255);
    const rawUrl = text(object.cdn_url, `${path}.cdn_url`, 4096);
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw new BadRequestException(`${path}.cdn_url must be a URL`);
    }
    const meta = object.encryption_metadata;
    if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw new BadRequestException(`${path}.encryption_metadata must be an object`);
    const m = meta as Record<string, unknown>;
    const at = `${path}.encryption_metadata`;
    return {
      mediaId,
      url,
      fileName,
      encryptedHash: base64Of(m.encrypted_hash, `${at}.encrypted_hash`, 32),
      iv: base64Of(m.iv, `${at}.iv`, 16),
      key: base64Of(m.encryption_key, `${at}.encryption_key`, 32),
      hmacKey: base64Of(m.hmac_key, `${at}.hmac_key`, 32),
      plaintextHash: base64Of(m.plaintext_hash, `${at}.plaintext_hash`, 32),
    };
  });
}

/** The media fields of an `nfm_reply`: top-level arrays whose every item is `{ id, ... }` with a media id. */
export function completionMediaFields(response: Record<string, unknown>): Array<{ field: string; files: CompletionMediaObject[] }> {
  const fields: Array<{ field: string; files: CompletionMediaObject[] }> = [];
  for (const [field, value] of Object.entries(response)) {
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_FILES_PER_FIELD) continue;
    const isMedia = value.every(
      (item) =>
        item &&
        typeof item === 'object' &&
        typeof item.id === 'string' &&
        /^[A-Za-z0-9_.:-]{1,200}$/.test(item.id) &&
        (typeof item.sha256 === 'string' || typeof item.mime_type === 'string'),
    );
    if (!isMedia) continue;
    fields.push({
      field,
      files: value.map((item: Record<string, unknown>) => ({
        id: item.id as string,
        file_name: typeof item.file_name === 'string' ? item.file_name.slice(0, 255) : undefined,
        mime_type: typeof item.mime_type === 'string' ? item.mime_type.slice(0, 200) : undefined,
        sha256: typeof item.sha256 === 'string' ? item.sha256.slice(0, 200) : undefined,
      })),
    });
  }
  return fields;
}
