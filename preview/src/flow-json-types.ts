// Every Flow JSON type the page uses, in one file: once the Flow JSON room (src/flow-json) exists,
// this file becomes one type-only re-export from it, and nothing of Node reaches the bundle.
import type { Values } from './expressions.js';

export interface FlowAction {
  name: 'navigate' | 'data_exchange' | 'update_data' | 'open_url' | 'complete' | string;
  next?: { type?: string; name: string };
  payload?: Values;
  url?: string;
}

/** One Flow JSON component; the properties are those of its type. */
export interface Component {
  type: string;
  [property: string]: unknown;
}

/** An option of Dropdown, RadioButtonsGroup, CheckboxGroup and ChipsSelector (`data-source`). */
export interface DataSourceOption {
  id: string;
  title: string;
  description?: string;
  metadata?: string;
  enabled?: boolean;
  /** Base64 image (5.0+), shown beside the option. */
  image?: string;
  'alt-text'?: string;
  color?: string;
  'on-select-action'?: FlowAction;
  'on-unselect-action'?: FlowAction;
}

/** One item of a NavigationList's `list-items` (6.2+). */
export interface NavigationItem {
  id: string;
  'main-content': { title: string; description?: string; metadata?: string };
  start?: { image: string; 'alt-text'?: string };
  end?: { title?: string; description?: string; metadata?: string };
  badge?: string;
  tags?: string[];
  'on-click-action'?: FlowAction;
}

/** One image of an ImageCarousel (7.1+). */
export interface CarouselImage {
  src: string;
  'alt-text'?: string;
}

/** A CalendarPicker value, setting or label in `range` mode: one per side. */
export interface DateRange<T = string> {
  'start-date'?: T;
  'end-date'?: T;
}

/** A screen's declared data: JSON Schema of each field plus its `__example__`. */
export type ScreenData = Record<string, { type?: string; __example__?: unknown; [keyword: string]: unknown }>;

export interface Screen {
  id: string;
  title?: string;
  terminal?: boolean;
  success?: boolean;
  refresh_on_back?: boolean;
  /** Names of the fields hidden or masked in the response summary the user sees after completing (5.1+). */
  sensitive?: string[];
  data?: ScreenData;
  layout?: { type?: string; children?: Component[] };
}

export interface FlowJson {
  version: string;
  data_api_version?: string;
  routing_model?: Record<string, string[]>;
  screens: Screen[];
}
