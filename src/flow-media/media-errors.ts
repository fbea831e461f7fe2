import { BadRequestException } from '@nestjs/common';

/**
 * Why a file was not kept. The first seven are the download results counted by the metrics; the
 * others are refusals before or after the download.
 */
export type MediaFailure =
  'hash_mismatch' | 'mac_mismatch' | 'too_large' | 'host_refused' | 'timeout' | 'not_found' | 'invalid' | 'type_refused' | 'unavailable';

/** Failures that another attempt cannot change (the background job stops retrying them). */
const PERMANENT: ReadonlySet<MediaFailure> = new Set([
  'hash_mismatch',
  'mac_mismatch',
  'too_large',
  'host_refused',
  'not_found',
  'invalid',
  'type_refused',
]);

/**
 * A file refused, with a message for the user. It is a BadRequestException so that, thrown from a
 * flow handler, the router shows its message on the current screen.
 */
export class MediaRefusedError extends BadRequestException {
  constructor(
    readonly reason: MediaFailure,
    userMessage: string,
    /** For logs: what went wrong, without URLs, keys or contents. */
    readonly detail = userMessage,
  ) {
    super(userMessage);
  }

  get permanent(): boolean {
    return PERMANENT.has(this.reason);
  }
}

/** The user's wording for a refused file, naming it when it has a name. */
export function refusal(reason: MediaFailure, fileName: string | undefined, detail: string): MediaRefusedError {
  const name = fileName ? `"${fileName.slice(0, 80)}"` : 'A file';
  const messages: Record<MediaFailure, string> = {
    hash_mismatch: `${name} arrived damaged. Please attach it again.`,
    mac_mismatch: `${name} arrived damaged. Please attach it again.`,
    too_large: `${name} is too large. Please attach a smaller file.`,
    host_refused: `${name} could not be fetched from WhatsApp. Please attach it again.`,
    timeout: `${name} is taking too long to arrive. Please try again in a moment.`,
    not_found: `${name} is no longer available. Please attach it again.`,
    invalid: `${name} could not be read. Please attach it again.`,
    type_refused: `${name} is not a file type we accept here.`,
    unavailable: `${name} could not be fetched right now. Please try again in a moment.`,
  };
  return new MediaRefusedError(reason, messages[reason], detail);
}
