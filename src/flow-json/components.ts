/**
 * The components of Flow JSON and their properties, as JSON Schemas the checker compiles with ajv:
 * required properties, value types, character limits, ranges and option counts. The version each
 * component or property appeared in is in flow-json-versions.ts.
 */

type Schema = Record<string, unknown>;

/** A value that may also be a `${data.x}` / `${form.x}` expression (a string containing `${`). */
const dynamic = (schema: Schema, expect: string): Schema => ({
  if: { type: 'string', pattern: '\\$\\{' },
  then: {},
  else: { ...schema, 'x-expect': `${expect} or a \`\${data.x}\` expression` },
});

const text = (maxLength?: number): Schema => (maxLength ? { type: 'string', minLength: 1, maxLength } : { type: 'string' });
const bool = dynamic({ type: 'boolean' }, 'true, false');
const int = (minimum?: number, maximum?: number): Schema =>
  dynamic({ type: 'integer', ...(minimum === undefined ? {} : { minimum }), ...(maximum === undefined ? {} : { maximum }) }, 'an integer');
const oneOf = (...values: string[]): Schema => dynamic({ enum: values }, `one of ${values.join(', ')}`);
const stringOrDynamic = { type: 'string' };

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

/** An option of Dropdown, RadioButtonsGroup, CheckboxGroup, ChipsSelector. */
const option: Schema = {
  type: 'object',
  required: ['id', 'title'],
  properties: {
    id: { type: 'string', minLength: 1 },
    title: { type: 'string', minLength: 1, maxLength: 30 },
    description: { type: 'string', maxLength: 300 },
    metadata: { type: 'string', maxLength: 20 },
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
const input = { name: { type: 'string', minLength: 1 }, required: bool, enabled: bool, 'error-message': stringOrDynamic };

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
      text: text(4096),
      'font-weight': oneOf('bold', 'italic', 'bold_italic', 'normal'),
      strikethrough: bool,
      markdown: { type: 'boolean' },
    },
  },
  TextCaption: {
    required: ['text'],
    properties: {
      ...common,
      text: text(409),
      'font-weight': oneOf('bold', 'italic', 'bold_italic', 'normal'),
      strikethrough: bool,
      markdown: { type: 'boolean' },
    },
  },
  RichText: {
    required: ['text'],
    properties: { ...common, text: { if: { type: 'string' }, then: {}, else: { type: 'array', items: { type: 'string' } } } },
  },
  TextInput: {
    required: ['name', 'label'],
    properties: {
      ...common,
      ...input,
      label: text(20),
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
      label: text(20),
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
      'init-value': stringOrDynamic,
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
  EmbeddedLink: { required: ['text', 'on-click-action'], properties: { ...common, text: text(25), 'on-click-action': action } },
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
      label: text(30),
      description: text(300),
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
      label: text(30),
      description: text(300),
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
      name: { type: 'string', minLength: 1 },
      label: text(80),
      description: text(300),
      'media-size': oneOf('regular', 'large'),
      'list-items': dynamic(
        {
          type: 'array',
          minItems: 1,
          maxItems: 20,
          items: {
            type: 'object',
            required: ['id', 'main-content'],
            properties: {
              id: { type: 'string', minLength: 1 },
              'main-content': {
                type: 'object',
                required: ['title'],
                properties: { title: text(30), description: text(20), metadata: text(80) },
                additionalProperties: false,
              },
              start: { type: 'object', properties: { image: { type: 'string' }, 'alt-text': { type: 'string' } }, additionalProperties: false },
              end: {
                type: 'object',
                properties: { title: text(10), description: text(10), metadata: text(10) },
                additionalProperties: false,
              },
              badge: text(15),
              tags: { type: 'array', maxItems: 3, items: text(15) },
              'on-click-action': action,
            },
            additionalProperties: false,
          },
        },
        'a list of 1 to 20 items',
      ),
      'on-click-action': action,
    },
  },
  If: {
    required: ['condition', 'then'],
    properties: { type: { type: 'string' }, condition: { type: 'string', minLength: 1 }, then: components, else: components },
  },
  Switch: {
    required: ['value', 'cases'],
    properties: { type: { type: 'string' }, value: { type: 'string', minLength: 1 }, cases: { type: 'object', additionalProperties: components } },
  },
  Form: {
    required: ['name', 'children'],
    properties: {
      type: { type: 'string' },
      name: { type: 'string', minLength: 1 },
      children: components,
      'init-values': { type: 'object' },
      'error-messages': { type: 'object' },
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
