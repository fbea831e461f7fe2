// The rules of one component on its own: known type, version, schema (schemas.ts), and what a schema
// cannot say (captions that go together, min ≤ max, rules that depend on the version or on another
// property), with the limits Meta's sources disagree on as warnings.
import { COMPONENTS, DOCUMENT_MIME_TYPES, DROPDOWN_MAX_WITH_IMAGES, OPTION_IMAGE_KB, TEXT_COMPONENTS } from './components.js';
import type { CheckContext, ScreenInfo } from './check-context.js';
import { CHILD_KEYS, isObject, type JsonObject, type VisitedComponent } from './flow-json-walk.js';
import { COMPONENT_SINCE, FEATURE_SINCE, OPTION_PROPERTY_SINCE, PROPERTY_SINCE, atLeast } from './flow-json-versions.js';
import { error, escapePointer, list, prefix, warning, type Found } from './problems.js';
import { validateComponent, describeErrors } from './schemas.js';

const isDynamic = (value: unknown) => typeof value === 'string' && value.includes('${');
const isStaticNumber = (value: unknown): value is number => typeof value === 'number';
const lengthOf = (value: unknown) => (Array.isArray(value) ? value.filter((line) => typeof line === 'string').join('\n') : String(value)).length;

export function componentProblems(visited: VisitedComponent, info: ScreenInfo, context: CheckContext): Found[] {
  const { component, pointer } = visited;
  const { version } = context;
  const type = component.type;
  if (typeof type !== 'string') return [error(`${pointer}/type`, 'a component needs a "type" (e.g. "TextBody")')];
  if (!COMPONENTS[type]) {
    return [error(`${pointer}/type`, `"${type}" is not a Flow JSON component; known: ${list(Object.keys(COMPONENTS))}`)];
  }
  const problems: Found[] = [];
  const since = COMPONENT_SINCE[type];
  if (since && !atLeast(version, since)) {
    problems.push(error(`${pointer}/type`, `${type} needs Flow JSON ${since} or later; this file is version ${version}: raise "version"`));
  }
  for (const property of Object.keys(component)) {
    const propertySince = PROPERTY_SINCE[`${type}.${property}`];
    if (propertySince && !atLeast(version, propertySince)) {
      problems.push(
        error(
          `${pointer}/${escapePointer(property)}`,
          `${type} "${property}" needs Flow JSON ${propertySince} or later; this file is version ${version}`,
        ),
      );
    }
  }
  problems.push(...describeErrors(validateComponent(type, component), type).map(prefix(pointer)));
  problems.push(...emptyStrings(component, pointer, version));
  problems.push(...textProblems(type, component, pointer, version));
  problems.push(...optionProblems(type, component, pointer, version));
  problems.push(...pairProblems(type, component, pointer));
  problems.push(...inputProblems(visited, version));
  if (type === 'NavigationList') problems.push(...navigationListProblems(component, pointer, info));
  if (type === 'CalendarPicker') problems.push(...calendarProblems(component, pointer));
  if (type === 'DocumentPicker' && Array.isArray(component['allowed-mime-types'])) {
    component['allowed-mime-types'].forEach((mime, index) => {
      if (typeof mime === 'string' && !DOCUMENT_MIME_TYPES.has(mime)) {
        problems.push(
          warning(
            `${pointer}/allowed-mime-types/${index}`,
            `"${mime}" is not among the MIME types Meta's media upload page lists for DocumentPicker; phones may not offer it`,
          ),
        );
      }
    });
  }
  return problems;
}

/**
 * Empty or blank strings in component properties: refused from 6.0 (Meta's changelog, 6.0: "String
 * values in component properties can't be empty. Previously values such as "" were accepted").
 * Before 6.0 they pass, except the `text` of text components and EmbeddedLink, which Meta's components
 * reference refuses without saying since when: a warning. Lines of a text array may be blank (a
 * paragraph break); action payloads are data, not properties.
 */
function emptyStrings(component: JsonObject, pointer: string, version: string): Found[] {
  const problems: Found[] = [];
  const strict = atLeast(version, FEATURE_SINCE.noEmptyStrings);
  const type = String(component.type);
  const visit = (value: unknown, at: string, key: string, top: boolean) => {
    if (typeof value === 'string') {
      if (value.trim() !== '') return;
      if (strict)
        problems.push(
          error(at, `\`${key}\` must not be empty or blank from Flow JSON ${FEATURE_SINCE.noEmptyStrings} (Meta's changelog); leave it out instead`),
        );
      else if (top && key === 'text' && (TEXT_COMPONENTS.has(type) || type === 'EmbeddedLink'))
        problems.push(
          warning(
            at,
            `\`text\` is empty: Meta's components reference refuses an empty ${type} text, while its changelog says empty strings were accepted before 6.0`,
          ),
        );
    } else if (Array.isArray(value)) {
      if (key === 'text') return;
      value.forEach((item, index) => visit(item, `${at}/${index}`, key, false));
    } else if (isObject(value)) {
      for (const [child, inner] of Object.entries(value)) {
        if ((top && CHILD_KEYS.has(child)) || child.endsWith('-action')) continue;
        visit(inner, `${at}/${escapePointer(child)}`, child, false);
      }
    }
  };
  for (const [key, value] of Object.entries(component)) {
    if (CHILD_KEYS.has(key) || key.endsWith('-action')) continue;
    visit(value, `${pointer}/${escapePointer(key)}`, key, true);
  }
  return problems;
}

/** Character limits Meta's sources disagree on, and text given as lines. */
function textProblems(type: string, component: JsonObject, pointer: string, version: string): Found[] {
  const problems: Found[] = [];
  const text = component.text;
  const at = `${pointer}/text`;
  if ((type === 'TextBody' || type === 'TextCaption') && Array.isArray(text) && !atLeast(version, FEATURE_SINCE.textLines)) {
    problems.push(
      warning(
        at,
        `${type} \`text\` as an array of lines is documented from Flow JSON ${FEATURE_SINCE.textLines} (with markdown); this file is version ${version}`,
      ),
    );
  }
  if ((type === 'TextBody' || type === 'TextCaption') && text !== undefined && !isDynamic(text)) {
    const length = lengthOf(text);
    const lines = Array.isArray(text) ? ' (its lines together)' : '';
    if (length > 4096 && !lines) problems.push(error(at, `\`text\` is ${length} characters; ${type} allows at most 4096: shorten it`));
    // Meta gives the limit of a text, not of lines: whether it counts them together is not said.
    else if (length > 4096)
      problems.push(warning(at, `\`text\` is ${length} characters${lines}; ${type} allows 4096, and Meta does not say how it counts lines`));
    else if (type === 'TextCaption' && length > 409)
      problems.push(
        warning(
          at,
          `\`text\` is ${length} characters${lines}; Meta's components reference says 409 for TextCaption (4096 for TextBody), another Flows library 4096: Meta may accept it`,
        ),
      );
  }
  if (type === 'EmbeddedLink' && typeof text === 'string' && !isDynamic(text) && text.length > 25) {
    problems.push(
      warning(
        at,
        `\`text\` is ${text.length} characters; Meta's components reference says 25 for EmbeddedLink, but its own sign-in template uses 30 and another Flows library allows 35: Meta may accept it`,
      ),
    );
  }
  if (
    (type === 'TextInput' || type === 'TextArea') &&
    typeof component.label === 'string' &&
    !isDynamic(component.label) &&
    component.label.length > 20
  ) {
    const message = `\`label\` is ${component.label.length} characters; ${type} allows at most 20`;
    // A large label (7.0) may take several lines; Meta does not say whether the 20 still holds.
    if (component['label-variant'] === 'large')
      problems.push(
        warning(`${pointer}/label`, `${message}, and Meta does not say whether that holds for "label-variant": "large" (7.0), which wraps`),
      );
    else problems.push(error(`${pointer}/label`, `${message}: shorten it (or, from 7.0, use "label-variant": "large")`));
  }
  return problems;
}

/** Static options of a data-source: properties by version, image sizes, Dropdown's count with images. */
function optionProblems(type: string, component: JsonObject, pointer: string, version: string): Found[] {
  const source = component['data-source'];
  if (!Array.isArray(source)) return [];
  const problems: Found[] = [];
  const imageLimit = atLeast(version, FEATURE_SINCE.smallOptionImages) ? OPTION_IMAGE_KB.from : OPTION_IMAGE_KB.before;
  let withImages = false;
  source.forEach((option, index) => {
    if (!isObject(option)) return;
    const at = `${pointer}/data-source/${index}`;
    for (const property of Object.keys(option)) {
      const since = OPTION_PROPERTY_SINCE[property];
      if (since && !atLeast(version, since) && type !== 'ChipsSelector') {
        problems.push(
          error(`${at}/${escapePointer(property)}`, `an option's "${property}" needs Flow JSON ${since} or later; this file is version ${version}`),
        );
      }
    }
    if (typeof option.image === 'string' && !isDynamic(option.image)) {
      withImages = true;
      const kb = Math.floor((option.image.replace(/[^A-Za-z0-9+/]/g, '').length * 3) / 4 / 1024);
      if (kb > imageLimit) {
        problems.push(
          error(
            `${at}/image`,
            `the option's image is about ${kb} KB; options allow ${imageLimit} KB in Flow JSON ${version} (Meta's changelog, 6.0): shrink it`,
          ),
        );
      }
    }
  });
  if (type === 'Dropdown' && withImages && source.length > DROPDOWN_MAX_WITH_IMAGES) {
    problems.push(
      error(
        `${pointer}/data-source`,
        `\`data-source\` has ${source.length} options with images; a Dropdown allows ${DROPDOWN_MAX_WITH_IMAGES} when any option has an image`,
      ),
    );
  }
  return problems;
}

const MIN_MAX: Array<[string, string]> = [
  ['min-chars', 'max-chars'],
  ['min-selected-items', 'max-selected-items'],
  ['min-uploaded-photos', 'max-uploaded-photos'],
  ['min-uploaded-documents', 'max-uploaded-documents'],
  ['min-days', 'max-days'],
];

/** Properties that go together or bound each other (Meta's static validation errors). */
function pairProblems(type: string, component: JsonObject, pointer: string): Found[] {
  const problems: Found[] = [];
  for (const [min, max] of MIN_MAX) {
    const low = component[min];
    const high = component[max];
    if (isStaticNumber(low) && isStaticNumber(high) && low > high) {
      problems.push(
        error(`${pointer}/${min}`, `\`${min}\` (${low}) is greater than \`${max}\` (${high}) on ${type} ${String(component.name ?? '')}`.trim()),
      );
    }
  }
  if (type === 'Footer') {
    const has = (key: string) => component[key] !== undefined;
    if (has('center-caption') && (has('left-caption') || has('right-caption'))) {
      problems.push(error(`${pointer}/center-caption`, 'a Footer takes either `center-caption` or `left-caption` with `right-caption`, not both'));
    } else if (has('left-caption') !== has('right-caption')) {
      const [present, missing] = has('left-caption') ? ['left-caption', 'right-caption'] : ['right-caption', 'left-caption'];
      problems.push(error(`${pointer}/${present}`, `a Footer with \`${present}\` needs \`${missing}\` too (or use \`center-caption\` alone)`));
    }
  }
  if (type === 'TextInput' && component.pattern !== undefined) {
    if (component['helper-text'] === undefined) {
      problems.push(error(`${pointer}/pattern`, 'a TextInput with `pattern` needs `helper-text` (Meta: it tells the user what the pattern expects)'));
    }
    const inputType = component['input-type'];
    if (typeof inputType === 'string' && !isDynamic(inputType) && !['text', 'number', 'password', 'passcode'].includes(inputType)) {
      problems.push(
        warning(
          `${pointer}/pattern`,
          `Meta supports \`pattern\` with input-type text, number, password and passcode; with "${inputType}" it may be ignored`,
        ),
      );
    }
  }
  return problems;
}

/** Inputs: labels required from 4.0, where init-value and error-message apply, RadioButtonsGroup's init-value. */
function inputProblems({ component, pointer, inForm }: VisitedComponent, version: string): Found[] {
  const problems: Found[] = [];
  const type = String(component.type);
  if ((type === 'CheckboxGroup' || type === 'RadioButtonsGroup') && component.label === undefined && atLeast(version, '4.0')) {
    problems.push(error(`${pointer}/label`, `\`label\` is required on ${type} from Flow JSON 4.0`));
  }
  if (inForm) {
    for (const key of ['init-value', 'error-message']) {
      if (component[key] !== undefined) {
        problems.push(
          warning(
            `${pointer}/${key}`,
            `Meta documents \`${key}\` only for inputs outside a Form; inside one, set it in the Form's \`${key}s\` instead`,
          ),
        );
      }
    }
  }
  if (type === 'RadioButtonsGroup' && Array.isArray(component['init-value'])) {
    problems.push(
      warning(
        `${pointer}/init-value`,
        "a RadioButtonsGroup's `init-value` is one option id: Meta's Form reference says a string, its component table an array<string>",
      ),
    );
  }
  return problems;
}

/**
 * NavigationList (Meta's components reference): limits of its texts are rendering limits (content is
 * truncated or not rendered), so warnings; its structural rules are errors.
 */
function navigationListProblems(component: JsonObject, pointer: string, info: ScreenInfo): Found[] {
  const problems: Found[] = [];
  const soft = (at: string, what: string, value: unknown, max: number) => {
    if (typeof value === 'string' && !isDynamic(value) && value.length > max) {
      problems.push(warning(at, `${what} is ${value.length} characters; Meta shows at most ${max} in a NavigationList and cuts the rest`));
    }
  };
  soft(`${pointer}/label`, '`label`', component.label, 80);
  soft(`${pointer}/description`, '`description`', component.description, 300);
  if (info.terminal) problems.push(error(`${pointer}/type`, `a NavigationList cannot be on a terminal screen (${info.id})`));
  const items = component['list-items'];
  const componentAction = component['on-click-action'] !== undefined;
  if (!Array.isArray(items)) return problems;
  if (items.length > 20) {
    problems.push(warning(`${pointer}/list-items`, `\`list-items\` has ${items.length} items; Meta renders at most 20`));
  }
  let badges = 0;
  items.forEach((item, index) => {
    if (!isObject(item)) return;
    const at = `${pointer}/list-items/${index}`;
    const main = isObject(item['main-content']) ? item['main-content'] : {};
    soft(`${at}/main-content/title`, 'the title', main.title, 30);
    soft(`${at}/main-content/description`, 'the description', main.description, 20);
    soft(`${at}/main-content/metadata`, 'the metadata', main.metadata, 80);
    const end = isObject(item.end) ? item.end : undefined;
    if (end) for (const key of ['title', 'description', 'metadata']) soft(`${at}/end/${key}`, `the end ${key}`, end[key], 10);
    soft(`${at}/badge`, 'the badge', item.badge, 15);
    if (Array.isArray(item.tags)) {
      if (item.tags.length > 3) problems.push(warning(`${at}/tags`, `${item.tags.length} tags; Meta shows at most 3`));
      item.tags.forEach((tag, tagIndex) => soft(`${at}/tags/${tagIndex}`, 'a tag', tag, 15));
    }
    if (item.badge !== undefined && ++badges === 2) problems.push(error(`${at}/badge`, 'only one item of a NavigationList may have a `badge`'));
    if (end && component['media-size'] === 'large') {
      problems.push(error(`${at}/end`, 'an item cannot have `end` when the NavigationList has "media-size": "large"'));
    }
    const itemAction = item['on-click-action'] !== undefined;
    if (itemAction && componentAction) {
      problems.push(error(`${at}/on-click-action`, 'set `on-click-action` on the NavigationList or on its items, not both'));
    } else if (!itemAction && !componentAction) {
      problems.push(error(at, 'this item has no `on-click-action`, and the NavigationList has none: set one of them'));
    }
  });
  return problems;
}

/** CalendarPicker: what Meta documents for "range" mode only, used in single mode (or the reverse). */
function calendarProblems(component: JsonObject, pointer: string): Found[] {
  const mode = component.mode;
  if (isDynamic(mode)) return [];
  const range = mode === 'range';
  const problems: Found[] = [];
  if (!range) {
    for (const key of ['title', 'description', 'min-days', 'max-days']) {
      if (component[key] !== undefined)
        problems.push(warning(`${pointer}/${key}`, `Meta documents \`${key}\` for "mode": "range" only; in single mode it is ignored`));
    }
  }
  for (const key of ['label', 'helper-text', 'required', 'init-value', 'error-message']) {
    const value = component[key];
    if (value === undefined || isDynamic(value)) continue;
    if (!range && isObject(value)) {
      problems.push(warning(`${pointer}/${key}`, `\`${key}\` as { "start-date", "end-date" } is for "mode": "range"; this CalendarPicker is single`));
    }
  }
  return problems;
}
