/** JSON-Schema-like declaration of one screen data key (Flow JSON `data`). */
export interface DataSchema {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  items?: DataSchema;
  properties?: Record<string, DataSchema>;
  required?: string[];
  __example__?: unknown;
}

export interface FlowJsonScreen {
  id: string;
  title?: string;
  terminal?: boolean;
  data?: Record<string, DataSchema>;
  layout?: unknown;
}

export interface FlowJson {
  version: string;
  data_api_version?: string;
  routing_model?: Record<string, string[]>;
  screens: FlowJsonScreen[];
}

/**
 * One file of a PhotoPicker or DocumentPicker field as a `data_exchange` payload carries it:
 * encrypted on WhatsApp's CDN, with what is needed to check and decrypt it. (The generated
 * flow-types use it for media fields; the media room parses and keeps such files.)
 */
export interface FlowMediaFile {
  media_id: string;
  cdn_url: string;
  file_name: string;
  encryption_metadata: {
    /** Base64 SHA-256 of the CDN file (ciphertext ‖ mac10). */
    encrypted_hash: string;
    /** Base64, 16 bytes. */
    iv: string;
    /** Base64, 32 bytes (AES-256-CBC). */
    encryption_key: string;
    /** Base64, 32 bytes (HMAC-SHA256). */
    hmac_key: string;
    /** Base64 SHA-256 of the decrypted file. */
    plaintext_hash: string;
  };
}
