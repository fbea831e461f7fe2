// The actions a choice fires. A component's `on-unselect-action` handles unselecting when it is
// given; without it `on-select-action` handles both (Meta's rule for CheckboxGroup and
// ChipsSelector). An option may carry its own pair (update_data, 6.0+), fired before the component's.
import type { Component, DataSourceOption, FlowAction } from '../../flow-json-types.js';
import type { RenderContext } from '../context.js';

function pick(owner: Component | DataSourceOption, selected: boolean): FlowAction | undefined {
  const onSelect = owner['on-select-action'] as FlowAction | undefined;
  const onUnselect = owner['on-unselect-action'] as FlowAction | undefined;
  return selected ? onSelect : (onUnselect ?? onSelect);
}

export function fireSelection(component: Component, context: RenderContext, option: DataSourceOption | undefined, selected: boolean): void {
  const own = option ? pick(option, selected) : undefined;
  if (own) context.act(own);
  const shared = pick(component, selected);
  if (shared) context.act(shared);
}
