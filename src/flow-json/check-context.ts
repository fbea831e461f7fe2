// What every rule of the checker reads: the flow's version, data API, routing model and screens,
// each screen walked once (its components, inputs, Footers and navigations).
import { inputValueType } from './components.js';
import { isObject, screenComponents, type JsonObject, type VisitedComponent } from './flow-json-walk.js';

export interface InputInfo {
  component: JsonObject;
  pointer: string;
  inForm: boolean;
}

export interface ScreenInfo {
  id: string;
  index: number;
  screen: JsonObject;
  declared: JsonObject;
  terminal: boolean;
  components: VisitedComponent[];
  /** Inputs by name (the first of a name when a screen repeats one in exclusive branches). */
  inputs: Map<string, InputInfo>;
  /** Filled by the action rules, read by the routing rules. */
  footers: Array<{ pointer: string; action?: JsonObject }>;
  navigates: Array<{ target: string; pointer: string }>;
}

export interface CheckContext {
  version: string;
  dataApi: string | undefined;
  routing: Record<string, unknown> | undefined;
  screens: Map<string, ScreenInfo>;
}

export function screenInfo(id: string, index: number, screen: JsonObject): ScreenInfo {
  const components = screenComponents(screen, index);
  const inputs = new Map<string, InputInfo>();
  for (const { component, pointer, inForm } of components) {
    if (inputValueType(component) && typeof component.name === 'string' && !inputs.has(component.name)) {
      inputs.set(component.name, { component, pointer, inForm });
    }
  }
  return {
    id,
    index,
    screen,
    declared: isObject(screen.data) ? screen.data : {},
    terminal: screen.terminal === true,
    components,
    inputs,
    footers: [],
    navigates: [],
  };
}

/** Two components in different branches of the same If/Switch never show together. */
export function exclusive(a: string[], b: string[]): boolean {
  return a.some((branch) => {
    const [owner] = branch.split(':');
    return b.some((other) => other.split(':')[0] === owner && other !== branch);
  });
}
