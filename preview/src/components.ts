// Draws Flow JSON components as the WhatsApp client lays them out, through the registry of
// components/ (one renderer per component). A component it cannot draw is a visible placeholder
// naming it; a component with `visible` false draws nothing.
import type { VNode } from 'preact';
import { flag } from './expressions.js';
import type { Component } from './flow-json-types.js';
import type { RenderContext } from './components/context.js';
import { RENDERERS } from './components/registry.js';
import { renderUnknown } from './components/unknown.js';

export type { RenderContext } from './components/context.js';

export function renderComponent(component: Component, context: RenderContext): VNode | null {
  if (!component || typeof component !== 'object') return null;
  if (!flag(component.visible, context.scope, true)) return null;
  const renderer = Object.hasOwn(RENDERERS, component.type) ? RENDERERS[component.type] : renderUnknown;
  return renderer(component, context, renderComponents);
}

export function renderComponents(children: Component[], context: RenderContext): Array<VNode | null> {
  return children.map((child) => renderComponent(child, context));
}
