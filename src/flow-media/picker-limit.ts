import { isObject, screenInputs, type FlowJson } from '../flow-json/index.js';

/** Meta's media upload page: `max-file-size-kb` is 1 to 25600 (25 MiB), 25 MiB when left out. */
export const PICKER_MAX_FILE_KB = 25_600;
/** What encryption adds to a file on WhatsApp's CDN: up to a block of PKCS#7 padding and the 10-byte MAC. */
const ENCRYPTION_OVERHEAD = 16 + 10;

/**
 * The largest file the picker behind `field` lets the phone send, in bytes of the plain file: its own
 * `max-file-size-kb` (a number; a `${data…}` value counts as Meta's maximum), else Meta's 25 MiB. The
 * picker is the PhotoPicker or DocumentPicker named `field` on `screen`, else on any screen, else the
 * one picker of `screen` (Meta allows one per screen). Undefined when the Flow JSON has none.
 */
export function pickerMaxBytes(flowJson: FlowJson | undefined, screen: string | undefined, field: string): number | undefined {
  if (!flowJson) return undefined;
  const pickersOf = (candidate: unknown, index: number) =>
    isObject(candidate)
      ? [...screenInputs(candidate, index).entries()].filter(([, input]) => ['PhotoPicker', 'DocumentPicker'].includes(String(input.component.type)))
      : [];
  const screens = flowJson.screens as unknown[];
  const current = screens.findIndex((candidate) => isObject(candidate) && candidate.id === screen);
  const here = current >= 0 ? pickersOf(screens[current], current) : [];
  const picker =
    here.find(([name]) => name === field) ??
    screens.flatMap((candidate, index) => pickersOf(candidate, index)).find(([name]) => name === field) ??
    (here.length === 1 ? here[0] : undefined);
  if (!picker) return undefined;
  const kb = picker[1].component['max-file-size-kb'];
  return (typeof kb === 'number' && kb >= 1 ? Math.min(kb, PICKER_MAX_FILE_KB) : PICKER_MAX_FILE_KB) * 1024;
}

/** The same limit for the file as WhatsApp's CDN stores it (encrypted). */
export const encryptedSize = (plainBytes: number) => plainBytes + ENCRYPTION_OVERHEAD;
