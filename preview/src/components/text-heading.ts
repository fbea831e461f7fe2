// TextHeading: see shared/text-block.ts.
import type { Renderer } from './context.js';
import { textBlock } from './shared/text-block.js';

export const renderTextHeading: Renderer = (component, context) => textBlock(component, context, 'h2', 'c-heading');
