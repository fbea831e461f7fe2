// TextCaption: see shared/text-block.ts.
import type { Renderer } from './context.js';
import { textBlock } from './shared/text-block.js';

export const renderTextCaption: Renderer = (component, context) => textBlock(component, context, 'p', 'c-caption');
