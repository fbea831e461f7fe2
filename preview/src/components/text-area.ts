// TextArea: several lines of text, up to `max-length` (600 by default).
import type { Renderer } from './context.js';
import { textEntry } from './shared/text-entry.js';

export const renderTextArea: Renderer = (component, context) => textEntry(component, context, true);
