// TextInput: one line of text, number, email, password, passcode or phone; `pattern` (6.2+) is
// checked by validation.ts, its helper-text says the expected format.
import type { Renderer } from './context.js';
import { textEntry } from './shared/text-entry.js';

export const renderTextInput: Renderer = (component, context) => textEntry(component, context, false);
