// CheckboxGroup: several choices, within min-selected-items and max-selected-items (validation.ts).
import type { Renderer } from './context.js';
import { optionList } from './shared/option-list.js';

export const renderCheckboxGroup: Renderer = (component, context) => optionList(component, context, true);
