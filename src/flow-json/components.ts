/**
 * The components of Flow JSON and their properties, as JSON Schemas the checker compiles with ajv:
 * required properties, value types, character limits, ranges and option counts that Meta states
 * without doubt (errors). Limits Meta's sources disagree on are not here but in SOFT_LIMITS (warnings),
 * and emptiness is checked by version (component-rules.ts). The version each component or property
 * appeared in is in flow-json-versions.ts.
 */

type Schema = Record<string, unknown>;

/** A value that may also be a `${data.x}` / `${form.x}` expression (a string containing `${`). */
const dynamic = (schema: Schema, expect: string): Schema => ({
  if: { type: 'string', pattern: '\\$\\{' },
  then: {},
  else: { ...schema, 'x-expect': `${expect} or a \`\${data.x}\` expression` },
});

/** A string, at most `maxLength` characters. Empty strings are a matter of version (component-rules.ts). */
const text = (maxLength?: number): Schema => (maxLength ? { type: 'string', maxLength } : { type: 'string' });
/** TextBody, TextCaption and RichText `text`: a string, or (5.1+) an array of lines. */
const lines: Schema = { if: { type: 'string' }, then: {}, else: { type: 'array', items: { type: 'string' } } };
const bool = dynamic({ type: 'boolean' }, 'true, false');
const int = (minimum?: number, maximum?: number): Schema =>
  dynamic({ type: 'integer', ...(minimum === undefined ? {} : { minimum }), ...(maximum === undefined ? {} : { maximum }) }, 'an integer');
const oneOf = (...values: string[]): Schema => dynamic({ enum: values }, `one of ${values.join(', ')}`);
const stringOrDynamic = { type: 'string' };
/** Form `init-values` and `error-messages`: an object by input name, or a `${data.x}` holding one (Meta's Flow JSON reference, Form configuration). */
const objectOrDynamic = dynamic({ type: 'object' }, 'an object by input name');

export const ACTION_NAMES = ['navigate', 'data_exchange', 'complete', 'update_data', 'open_url'] as const;

const action: Schema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { enum: [...ACTION_NAMES] },
    next: {
      type: 'object',
      required: ['type', 'name'],
      additionalProperties: false,
      properties: { type: { enum: ['screen', 'plugin'] }, name: { type: 'string', minLength: 1 } },
    },
    payload: { type: 'object' },
    url: { type: 'string', minLength: 1 },
  },
};

/** An option of Dropdown, RadioButtonsGroup, CheckboxGroup, ChipsSelector (Meta: limits of each list component). */
const option: Schema = {
  type: 'object',
  required: ['id', 'title'],
  properties: {
    id: { type: 'string' },
    title: text(30),
    description: text(300),
    metadata: text(20),
    enabled: { type: 'boolean' },
    image: { type: 'string' },
    'alt-text': { type: 'string' },
    color: { type: 'string' },
    'on-select-action': action,
    'on-unselect-action': action,
  },
  additionalProperties: false,
};

const options = (minItems: number, maxItems: number): Schema =>
  dynamic({ type: 'array', minItems, maxItems, items: option }, `a list of ${minItems} to ${maxItems} options`);

const components: Schema = { type: 'array' };
const common = { type: { type: 'string' }, visible: bool };
const input = { name: { type: 'string' }, required: bool, enabled: bool, 'error-message': stringOrDynamic };

interface Spec {
  required: string[];
  properties: Record<string, Schema>;
}

export const COMPONENTS: Record<string, Spec> = {
  TextHeading: { required: ['text'], properties: { ...common, text: text(80) } },
  TextSubheading: { required: ['text'], properties: { ...common, text: text(80) } },
  TextBody: {
    required: ['text'],
    properties: {
      ...common,
      text: lines,
      'font-weight': oneOf('bold', 'italic', 'bold_italic', 'normal'),
      strikethrough: bool,
      markdown: { type: 'boolean' },
    },
  },
  TextCaption: {
    required: ['text'],
    properties: {
      ...common,
      text: lines,
      'font-weight': oneOf('bold', 'italic', 'bold_italic', 'normal'),
      strikethrough: bool,
      markdown: { type: 'boolean' },
    },
  },
  RichText: {
    required: ['text'],
    properties: { ...common, text: lines },
  },
  TextInput: {
    required: ['name', 'label'],
    properties: {
      ...common,
      ...input,
      label: text(),
      'label-variant': { enum: ['large'] },
      'input-type': oneOf('text', 'number', 'email', 'password', 'passcode', 'phone'),
      pattern: { type: 'string' },
      'min-chars': int(0),
      'max-chars': int(1),
      'helper-text': text(80),
      'init-value': stringOrDynamic,
    },
  },
  TextArea: {
    required: ['name', 'label'],
    properties: {
      ...common,
      ...input,
      label: text(),
      'label-variant': { enum: ['large'] },
      'max-length': int(1),
      'helper-text': text(80),
      'init-value': stringOrDynamic,
    },
  },
  CheckboxGroup: {
    required: ['name', 'data-source'],
    properties: {
      ...common,
      ...input,
      label: text(30),
      description: text(300),
      'data-source': options(1, 20),
      'min-selected-items': int(0),
      'max-selected-items': int(1),
      'init-value': dynamic({ type: 'array', items: { type: 'string' } }, 'a list of option ids'),
      'media-size': oneOf('regular', 'large'),
      'on-select-action': action,
      'on-unselect-action': action,
    },
  },
  RadioButtonsGroup: {
    required: ['name', 'data-source'],
    properties: {
      ...common,
      ...input,
      label: text(30),
      description: text(300),
      'data-source': options(1, 20),
      // A string (Meta's Form init-values table); the component table says array<string>: see component-rules.ts.
      'init-value': { type: ['string', 'array'], items: { type: 'string' } },
      'media-size': oneOf('regular', 'large'),
      'on-select-action': action,
      'on-unselect-action': action,
    },
  },
  Dropdown: {
    required: ['name', 'label', 'data-source'],
    properties: {
      ...common,
      ...input,
      label: text(20),
      'data-source': options(1, 200),
      'init-value': stringOrDynamic,
      'on-select-action': action,
      'on-unselect-action': action,
    },
  },
  ChipsSelector: {
    required: ['name', 'label', 'data-source'],
    properties: {
      ...common,
      ...input,
      label: text(80),
      description: text(300),
      'data-source': options(2, 20),
      'min-selected-items': int(0),
      'max-selected-items': int(1, 20),
      'init-value': dynamic({ type: 'array', items: { type: 'string' } }, 'a list of option ids'),
      'on-select-action': action,
      'on-unselect-action': action,
    },
  },
  Footer: {
    required: ['label', 'on-click-action'],
    properties: {
      type: { type: 'string' },
      label: text(35),
      'left-caption': text(15),
      'center-caption': text(15),
      'right-caption': text(15),
      enabled: bool,
      'on-click-action': action,
    },
  },
  OptIn: {
    required: ['name', 'label'],
    properties: {
      ...common,
      ...input,
      label: text(120),
      'init-value': bool,
      'on-click-action': action,
      'on-select-action': action,
      'on-unselect-action': action,
    },
  },
  EmbeddedLink: { required: ['text', 'on-click-action'], properties: { ...common, text: text(), 'on-click-action': action } },
  DatePicker: {
    required: ['name', 'label'],
    properties: {
      ...common,
      ...input,
      label: text(40),
      'helper-text': text(80),
      'min-date': stringOrDynamic,
      'max-date': stringOrDynamic,
      'unavailable-dates': dynamic({ type: 'array', items: { type: 'string' } }, 'a list of dates'),
      'init-value': stringOrDynamic,
      'on-select-action': action,
    },
  },
  CalendarPicker: {
    required: ['name', 'label'],
    properties: {
      ...common,
      ...input,
      required: { if: { type: 'object' }, then: { properties: { 'start-date': bool, 'end-date': bool } }, else: bool },
      title: text(80),
      description: text(300),
      label: {
        if: { type: 'string' },
        then: { maxLength: 40 },
        else: { type: 'object', properties: { 'start-date': text(40), 'end-date': text(40) } },
      },
      'helper-text': { if: { type: 'string' }, then: { maxLength: 80 }, else: { type: 'object' } },
      'error-message': { if: { type: 'string' }, then: {}, else: { type: 'object' } },
      mode: { enum: ['single', 'range'] },
      'min-date': stringOrDynamic,
      'max-date': stringOrDynamic,
      'unavailable-dates': dynamic({ type: 'array', items: { type: 'string' } }, 'a list of dates'),
      'include-days': dynamic(
        { type: 'array', items: { enum: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] } },
        'a list of weekdays (Mon … Sun)',
      ),
      'min-days': int(1),
      'max-days': int(1),
      'init-value': { if: { type: 'string' }, then: {}, else: { type: 'object' } },
      'on-select-action': action,
    },
  },
  Image: {
    required: ['src'],
    properties: {
      ...common,
      src: { type: 'string', minLength: 1 },
      width: int(1),
      height: int(1),
      'scale-type': oneOf('cover', 'contain'),
      'aspect-ratio': dynamic({ type: 'number', exclusiveMinimum: 0 }, 'a positive number'),
      'alt-text': stringOrDynamic,
    },
  },
  ImageCarousel: {
    required: ['images'],
    properties: {
      ...common,
      images: dynamic(
        {
          type: 'array',
          minItems: 1,
          maxItems: 3,
          items: {
            type: 'object',
            required: ['src', 'alt-text'],
            properties: { src: { type: 'string', minLength: 1 }, 'alt-text': { type: 'string' } },
            additionalProperties: false,
          },
        },
        'a list of 1 to 3 images',
      ),
      'aspect-ratio': oneOf('4:3', '16:9'),
      'scale-type': oneOf('cover', 'contain'),
    },
  },
  PhotoPicker: {
    required: ['name', 'label'],
    properties: {
      ...common,
      ...input,
      // Meta's media upload components page: label 80, description 300; error-message a string or, per file, an object.
      label: text(80),
      description: text(300),
      'error-message': { type: ['string', 'object'] },
      'photo-source': oneOf('camera_gallery', 'camera', 'gallery'),
      'max-file-size-kb': int(1, 25600),
      'min-uploaded-photos': int(0, 30),
      'max-uploaded-photos': int(1, 30),
    },
  },
  DocumentPicker: {
    required: ['name', 'label'],
    properties: {
      ...common,
      ...input,
      label: text(80),
      description: text(300),
      'error-message': { type: ['string', 'object'] },
      'max-file-size-kb': int(1, 25600),
      'min-uploaded-documents': int(0, 30),
      'max-uploaded-documents': int(1, 30),
      'allowed-mime-types': dynamic({ type: 'array', items: { type: 'string' } }, 'a list of MIME types'),
    },
  },
  NavigationList: {
    required: ['name', 'list-items'],
    properties: {
      ...common,
      name: { type: 'string' },
      // Meta: content over these limits is truncated or not rendered, not refused: SOFT_LIMITS checks them.
      label: text(),
      description: text(),
      'media-size': oneOf('regular', 'large'),
      'list-items': dynamic(
        {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['id', 'main-content'],
            properties: {
              id: { type: 'string' },
              'main-content': {
                type: 'object',
                required: ['title'],
                properties: { title: text(), description: text(), metadata: text() },
                additionalProperties: false,
              },
              start: {
                type: 'object',
                required: ['image'],
                properties: { image: { type: 'string' }, 'alt-text': { type: 'string' } },
                additionalProperties: false,
              },
              end: { type: 'object', properties: { title: text(), description: text(), metadata: text() }, additionalProperties: false },
              badge: text(),
              tags: { type: 'array', items: text() },
              'on-click-action': action,
            },
            additionalProperties: false,
          },
        },
        'a list of items',
      ),
      'on-click-action': action,
    },
  },
  If: {
    required: ['condition', 'then'],
    // Meta: `then` holds at least one component; `condition` is not blank.
    properties: { type: { type: 'string' }, condition: { type: 'string', pattern: '\\S' }, then: { type: 'array', minItems: 1 }, else: components },
  },
  Switch: {
    required: ['value', 'cases'],
    // Meta: `cases` holds at least one case.
    properties: {
      type: { type: 'string' },
      value: { type: 'string', pattern: '\\S' },
      cases: { type: 'object', minProperties: 1, additionalProperties: components },
    },
  },
  Form: {
    required: ['name', 'children'],
    properties: {
      type: { type: 'string' },
      name: { type: 'string' },
      children: components,
      'init-values': objectOrDynamic,
      'error-messages': objectOrDynamic,
    },
  },
};

/** The JSON Schema of one component type (its children are checked one by one, not here). */
export function componentSchema(type: string): Schema {
  const { required, properties } = COMPONENTS[type];
  return { type: 'object', required, properties, additionalProperties: false };
}

/** Components whose value a form sends: their `${form.x}` name and the TypeScript type it arrives as. */
export function inputValueType(component: Record<string, unknown>): string | undefined {
  switch (component.type) {
    case 'TextInput':
      return component['input-type'] === 'number' ? 'number' : 'string';
    case 'TextArea':
    case 'Dropdown':
    case 'RadioButtonsGroup':
    case 'DatePicker':
      return 'string';
    case 'CalendarPicker':
      return component.mode === 'range' ? "{ 'start-date': string; 'end-date': string }" : 'string';
    case 'CheckboxGroup':
    case 'ChipsSelector':
      return 'string[]';
    case 'OptIn':
      return 'boolean';
    case 'PhotoPicker':
    case 'DocumentPicker':
      return 'FlowMediaFile[]';
    default:
      return undefined;
  }
}

/** Child component lists of a component: `children` of Form, `then`/`else` of If, each case of Switch. */
export function childLists(component: Record<string, unknown>): Array<{ key: string; children: unknown[]; branch?: string }> {
  const lists: Array<{ key: string; children: unknown[]; branch?: string }> = [];
  if (Array.isArray(component.children)) lists.push({ key: 'children', children: component.children });
  if (component.type === 'If') {
    if (Array.isArray(component.then)) lists.push({ key: 'then', children: component.then, branch: 'then' });
    if (Array.isArray(component.else)) lists.push({ key: 'else', children: component.else, branch: 'else' });
  }
  if (component.type === 'Switch' && component.cases && typeof component.cases === 'object') {
    for (const [name, children] of Object.entries(component.cases as Record<string, unknown>)) {
      if (Array.isArray(children)) lists.push({ key: `cases/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, children, branch: `case ${name}` });
    }
  }
  return lists;
}

/** How many of a component one screen may hold. */
export const MAX_PER_SCREEN: Record<string, number> = {
  Footer: 1,
  EmbeddedLink: 2,
  OptIn: 5,
  Image: 3,
  ImageCarousel: 2,
  PhotoPicker: 1,
  DocumentPicker: 1,
  NavigationList: 2,
};

export const MAX_COMPONENTS_PER_SCREEN = 50;

/** How many of a component one flow may hold (Meta's components reference: ImageCarousel 3 per Flow). */
export const MAX_PER_FLOW: Record<string, number> = { ImageCarousel: 3 };

/** Meta's Flow JSON reference: at most 100 screens, and a Flow JSON of at most 10 MB. */
export const MAX_SCREENS = 100;
export const MAX_FLOW_JSON_BYTES = 10 * 1024 * 1024;

/** Meta's routing rules: at most 10 screens reachable forward from one screen. */
export const MAX_BRANCHES = 10;

/** Inputs by kind, for the pickers' own rules. */
export const MEDIA_PICKERS = new Set(['PhotoPicker', 'DocumentPicker']);
export const TEXT_COMPONENTS = new Set(['TextHeading', 'TextSubheading', 'TextBody', 'TextCaption']);

/**
 * The actions each action property takes, from Meta's components reference. Two are certain
 * everywhere (errors, action-rules.ts): `complete` only on a Footer, `open_url` only on EmbeddedLink
 * and OptIn. Any other action outside these lists is a warning: the lists lag behind the actions
 * (another Flows library, and Meta's own examples, use update_data on EmbeddedLink).
 */
export const ACTION_SLOTS: Record<string, readonly string[]> = {
  'Footer.on-click-action': ['complete', 'data_exchange', 'navigate'],
  'EmbeddedLink.on-click-action': ['data_exchange', 'navigate', 'open_url'],
  'OptIn.on-click-action': ['data_exchange', 'navigate', 'open_url'],
  'OptIn.on-select-action': ['update_data'],
  'OptIn.on-unselect-action': ['update_data'],
  'CheckboxGroup.on-select-action': ['data_exchange', 'update_data'],
  'CheckboxGroup.on-unselect-action': ['update_data'],
  'RadioButtonsGroup.on-select-action': ['data_exchange', 'update_data'],
  'RadioButtonsGroup.on-unselect-action': ['update_data'],
  'Dropdown.on-select-action': ['data_exchange', 'update_data'],
  'Dropdown.on-unselect-action': ['update_data'],
  'ChipsSelector.on-select-action': ['data_exchange', 'update_data'],
  'ChipsSelector.on-unselect-action': ['update_data'],
  'DatePicker.on-select-action': ['data_exchange'],
  'CalendarPicker.on-select-action': ['data_exchange'],
  'NavigationList.on-click-action': ['data_exchange', 'navigate'],
  /** Inside a list item of a NavigationList, or an option of a data-source. */
  'list-item.on-click-action': ['data_exchange', 'navigate'],
  'option.on-select-action': ['update_data'],
  'option.on-unselect-action': ['update_data'],
};

/** What Meta's components reference lists as allowed in If branches and Switch cases (ChipsSelector from 7.1). */
export const CONDITIONAL_CHILDREN = {
  If: new Set([
    'TextHeading',
    'TextSubheading',
    'TextBody',
    'TextCaption',
    'CheckboxGroup',
    'DatePicker',
    'Dropdown',
    'EmbeddedLink',
    'Footer',
    'Image',
    'OptIn',
    'RadioButtonsGroup',
    'Switch',
    'TextArea',
    'TextInput',
    'If',
    'ChipsSelector',
  ]),
  Switch: new Set([
    'TextHeading',
    'TextSubheading',
    'TextBody',
    'TextCaption',
    'CheckboxGroup',
    'DatePicker',
    'Dropdown',
    'EmbeddedLink',
    'Footer',
    'Image',
    'OptIn',
    'RadioButtonsGroup',
    'TextArea',
    'TextInput',
    'ChipsSelector',
  ]),
} as const;

/** Meta's components reference: If components nest at most 3 deep. */
export const MAX_IF_DEPTH = 3;

/** The MIME types Meta's media upload page lists for DocumentPicker `allowed-mime-types`. */
export const DOCUMENT_MIME_TYPES = new Set([
  'application/gzip',
  'application/msword',
  'application/pdf',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.oasis.opendocument.presentation',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/x-7z-compressed',
  'application/zip',
  'image/avif',
  'image/gif',
  'image/heic',
  'image/heif',
  'image/jpeg',
  'image/png',
  'image/tiff',
  'image/webp',
  'text/plain',
  'video/mp4',
  'video/mpeg',
]);

/** Dropdown: 200 options, or 100 when any option has an image (Meta's components reference). */
export const DROPDOWN_MAX_WITH_IMAGES = 100;

/** Option images: 300 KB before 6.0, 100 KB from 6.0 (Meta's changelog, 6.0). */
export const OPTION_IMAGE_KB = { before: 300, from: 100 } as const;
