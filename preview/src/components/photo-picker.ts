// PhotoPicker (4.0+): photos from the camera or the gallery, min-/max-uploaded-photos.
import type { Renderer } from './context.js';
import { mediaPicker } from './shared/media-picker.js';

export const renderPhotoPicker: Renderer = (component, context) => mediaPicker(component, context, true);
