// What every component renderer gets: the values it resolves against and what it may do.
import type { VNode } from 'preact';
import type { Scope } from '../expressions.js';
import type { Component, FlowAction } from '../flow-json-types.js';

export interface RenderContext {
  scope: Scope;
  /** Errors shown under fields, by field name. */
  errors: Record<string, string | undefined>;
  setField(name: string, value: unknown, component: Component): void;
  touch(name: string): void;
  act(action: FlowAction): void;
  /** Whether the Footer can be pressed (every required field filled, nothing invalid). */
  canSubmit: boolean;
  /** Files picked for PhotoPicker/DocumentPicker fields. */
  pickFiles?(name: string, files: File[], component: Component): void;
}

/** Draws a list of components (what Form, If and Switch hold), handed to renderers by the registry. */
export type DrawChildren = (children: Component[], context: RenderContext) => Array<VNode | null>;

/** Draws one component type; `null` draws nothing. */
export type Renderer = (component: Component, context: RenderContext, drawChildren: DrawChildren) => VNode | null;
