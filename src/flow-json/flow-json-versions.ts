/**
 * The one table of what each Flow JSON version allows: the versions themselves, and the version that
 * introduced each component, component property, action and expression form. Everything the checker
 * flags as "needs Flow JSON X" comes from here.
 */
export const FLOW_JSON_VERSIONS = ['2.1', '3.0', '3.1', '4.0', '5.0', '5.1', '6.0', '6.1', '6.2', '6.3', '7.0', '7.1', '7.2', '7.3'] as const;

export const DATA_API_VERSIONS = ['3.0', '4.0'] as const;

/**
 * The oldest Flow JSON each data API version works with. Data API 4.0 (Meta's changelog, 11 Nov 2025)
 * adds `flow_token_signature` to every request, and only for Flow JSON 7.3 or later.
 */
export const DATA_API_MIN_FLOW_JSON: Record<(typeof DATA_API_VERSIONS)[number], string> = { '3.0': '2.1', '4.0': '7.3' };

/** Top-level properties that stopped being Flow JSON at a version: `data_channel_uri` moved to the Flows API's `endpoint_uri` in 3.0. */
export const TOP_LEVEL_UNTIL: Record<string, string> = { data_channel_uri: '3.0' };

/** Screen properties newer than 2.1. */
export const SCREEN_PROPERTY_SINCE: Record<string, string> = { sensitive: '5.1' };

export const LATEST_FLOW_JSON_VERSION = FLOW_JSON_VERSIONS[FLOW_JSON_VERSIONS.length - 1];

/** Components newer than 2.1, with the version that introduced them. */
export const COMPONENT_SINCE: Record<string, string> = {
  If: '4.0',
  Switch: '4.0',
  PhotoPicker: '4.0',
  DocumentPicker: '4.0',
  RichText: '5.1',
  CalendarPicker: '6.1',
  NavigationList: '6.2',
  ChipsSelector: '6.3',
  ImageCarousel: '7.1',
};

/** Component properties newer than their component: `Component.property` → version. */
export const PROPERTY_SINCE: Record<string, string> = {
  'TextBody.markdown': '5.1',
  'TextCaption.markdown': '5.1',
  'TextInput.init-value': '4.0',
  'TextInput.error-message': '4.0',
  'TextArea.init-value': '4.0',
  'TextArea.error-message': '4.0',
  'Dropdown.init-value': '4.0',
  'Dropdown.error-message': '4.0',
  'RadioButtonsGroup.init-value': '4.0',
  'RadioButtonsGroup.error-message': '4.0',
  'CheckboxGroup.init-value': '4.0',
  'CheckboxGroup.error-message': '4.0',
  'DatePicker.init-value': '4.0',
  'DatePicker.error-message': '4.0',
  'OptIn.init-value': '4.0',
  'RadioButtonsGroup.description': '4.0',
  'CheckboxGroup.description': '4.0',
  'RadioButtonsGroup.media-size': '5.0',
  'CheckboxGroup.media-size': '5.0',
  'Dropdown.on-unselect-action': '6.0',
  'RadioButtonsGroup.on-unselect-action': '6.0',
  'CheckboxGroup.on-unselect-action': '6.0',
  'OptIn.on-unselect-action': '6.0',
  'TextInput.pattern': '6.2',
  'TextInput.label-variant': '7.0',
  'TextArea.label-variant': '7.0',
  'ChipsSelector.on-unselect-action': '7.1',
};

/** Properties of a `data-source` option (Dropdown, RadioButtonsGroup, CheckboxGroup) newer than 2.1. */
export const OPTION_PROPERTY_SINCE: Record<string, string> = {
  image: '5.0',
  'alt-text': '5.0',
  color: '5.0',
  'on-select-action': '6.0',
  'on-unselect-action': '6.0',
};

/** Actions newer than 2.1. */
export const ACTION_SINCE: Record<string, string> = {
  update_data: '6.0',
  open_url: '6.0',
};

/** Expression forms newer than 2.1. */
export const FEATURE_SINCE = {
  /** `${screen.SCREEN.form.x}` and `${screen.SCREEN.data.x}`: global dynamic referencing. */
  screenReference: '4.0',
  /** Inputs outside a `Form` component. */
  inputsWithoutForm: '4.0',
  /** `text` of TextBody and TextCaption as an array of lines (with `markdown`). */
  textLines: '5.1',
  /** Empty or blank strings in component properties are refused (Meta's changelog, 6.0: accepted before). */
  noEmptyStrings: '6.0',
  /** Option images at most 100 KB (300 KB before, Meta's changelog, 6.0). */
  smallOptionImages: '6.0',
  /** RichText beside a Footer on its screen (alone before). */
  richTextWithFooter: '6.3',
  /** ChipsSelector inside If and Switch. */
  chipsInConditionals: '7.1',
} as const;

/** Numeric order of two "major.minor" versions. */
export function compareVersions(a: string, b: string): number {
  const [aMajor, aMinor = 0] = a.split('.').map(Number);
  const [bMajor, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

export const atLeast = (version: string, since: string) => compareVersions(version, since) >= 0;
