// TextSubheading: see shared/text-block.ts.
import type { Renderer } from './context.js';
import { textBlock } from './shared/text-block.js';

export const renderTextSubheading: Renderer = (component, context) => textBlock(component, context, 'h3', 'c-subheading');
