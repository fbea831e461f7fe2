// RadioButtonsGroup: one choice, every option in view.
import type { Renderer } from './context.js';
import { optionList } from './shared/option-list.js';

export const renderRadioButtonsGroup: Renderer = (component, context) => optionList(component, context, false);
