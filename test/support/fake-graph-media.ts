import type { FakeGraphApi } from './fake-graph-api.js';

// ---- Cloud API media endpoint (GET /{MEDIA_ID}), kept apart from the rest of the fake Graph API ----

export interface CloudMedia {
  /** Where the file is served (the fake CDN, with the same bearer token). */
  url: string;
  mime_type: string;
  /** Hex SHA-256, as the media endpoint answers it. */
  sha256: string;
  file_size: number;
}

/**
 * Makes `graph` answer `GET /<id>` for these media like the Cloud API's media endpoint
 * (`{ messaging_product, url, mime_type, sha256, file_size, id }`), and 404 with Meta's error body
 * for other numeric ids. Other paths keep their answers.
 */
export function serveCloudMedia(graph: FakeGraphApi, media: Map<string, CloudMedia>): void {
  const fallback = graph.defaultAnswer;
  graph.defaultAnswer = (request) => {
    const id = /^\/(\d+)$/.exec(request.path)?.[1];
    if (request.method !== 'GET' || !id) return fallback(request);
    const found = media.get(id);
    if (!found) {
      return {
        status: 404,
        body: { error: { message: 'Unsupported get request. Object does not exist', type: 'GraphMethodException', code: 100, error_subcode: 33 } },
      };
    }
    return {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        id,
        url: found.url,
        mime_type: found.mime_type,
        sha256: found.sha256,
        file_size: String(found.file_size),
      },
    };
  };
}
