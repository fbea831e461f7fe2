// Test helpers: draw components to HTML, and find a drawn element (or inner component) to call its
// handler, without a DOM.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { renderComponents, type RenderContext } from '../src/components.js';
import type { Scope } from '../src/expressions.js';
import type { Component, FlowAction } from '../src/flow-json-types.js';

export interface Recorded {
  fields: Array<[string, unknown]>;
  touched: string[];
  actions: FlowAction[];
}

/** A context that records what the components did. */
export function recordingContext(scope: Scope, overrides: Partial<RenderContext> = {}): { context: RenderContext; recorded: Recorded } {
  const recorded: Recorded = { fields: [], touched: [], actions: [] };
  const context: RenderContext = {
    scope,
    errors: {},
    setField: (name, value) => recorded.fields.push([name, value]),
    touch: (name) => recorded.touched.push(name),
    act: (action) => recorded.actions.push(action),
    canSubmit: true,
    ...overrides,
  };
  return { context, recorded };
}

export function draw(children: Component[], scope: Scope, overrides: Partial<RenderContext> = {}): string {
  return renderToString(html`<div>${renderComponents(children, recordingContext(scope, overrides).context)}</div>`);
}

type Props = Record<string, unknown> & { children?: unknown };

/** Every VNode under `node` (inner components are not expanded), depth first. */
export function* walk(node: unknown): Generator<VNode<Props>> {
  if (Array.isArray(node)) {
    for (const item of node) yield* walk(item);
    return;
  }
  if (!node || typeof node !== 'object' || !('props' in node)) return;
  const vnode = node as VNode<Props>;
  yield vnode;
  yield* walk(vnode.props.children);
}

/** The first VNode whose props match all of `props` (a function value: a test of that prop). */
export function find(node: unknown, props: Record<string, unknown>): VNode<Props> {
  for (const vnode of walk(node)) {
    const matches = Object.entries(props).every(([key, value]) =>
      typeof value === 'function' ? (value as (prop: unknown) => boolean)(vnode.props[key]) : vnode.props[key] === value,
    );
    if (matches) return vnode;
  }
  throw new Error(`No element with ${Object.keys(props).join(', ')}`);
}
