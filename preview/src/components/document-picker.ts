// DocumentPicker (4.0+): files of allowed-mime-types, min-/max-uploaded-documents.
import type { Renderer } from './context.js';
import { mediaPicker } from './shared/media-picker.js';

export const renderDocumentPicker: Renderer = (component, context) => mediaPicker(component, context, false);
