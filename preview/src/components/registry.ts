// Which renderer draws which Flow JSON component: one file per component in this folder.
import type { Renderer } from './context.js';
import { renderCalendarPicker } from './calendar-picker.js';
import { renderCheckboxGroup } from './checkbox-group.js';
import { renderChipsSelector } from './chips-selector.js';
import { renderDatePicker } from './date-picker.js';
import { renderDocumentPicker } from './document-picker.js';
import { renderDropdown } from './dropdown.js';
import { renderEmbeddedLink } from './embedded-link.js';
import { renderFooter } from './footer.js';
import { renderForm } from './form.js';
import { renderIf } from './if.js';
import { renderImageCarousel } from './image-carousel.js';
import { renderImage } from './image.js';
import { renderNavigationList } from './navigation-list.js';
import { renderOptIn } from './opt-in.js';
import { renderPhotoPicker } from './photo-picker.js';
import { renderRadioButtonsGroup } from './radio-buttons-group.js';
import { renderRichText } from './rich-text.js';
import { renderSwitch } from './switch.js';
import { renderTextArea } from './text-area.js';
import { renderTextBody } from './text-body.js';
import { renderTextCaption } from './text-caption.js';
import { renderTextHeading } from './text-heading.js';
import { renderTextInput } from './text-input.js';
import { renderTextSubheading } from './text-subheading.js';

/** Every component of Flow JSON 7.3, by its `type`. */
export const RENDERERS: Readonly<Record<string, Renderer>> = {
  TextHeading: renderTextHeading,
  TextSubheading: renderTextSubheading,
  TextBody: renderTextBody,
  TextCaption: renderTextCaption,
  RichText: renderRichText,
  TextInput: renderTextInput,
  TextArea: renderTextArea,
  Dropdown: renderDropdown,
  RadioButtonsGroup: renderRadioButtonsGroup,
  CheckboxGroup: renderCheckboxGroup,
  ChipsSelector: renderChipsSelector,
  DatePicker: renderDatePicker,
  CalendarPicker: renderCalendarPicker,
  OptIn: renderOptIn,
  EmbeddedLink: renderEmbeddedLink,
  Image: renderImage,
  ImageCarousel: renderImageCarousel,
  PhotoPicker: renderPhotoPicker,
  DocumentPicker: renderDocumentPicker,
  NavigationList: renderNavigationList,
  If: renderIf,
  Switch: renderSwitch,
  Form: renderForm,
  Footer: renderFooter,
};
