// The markdown subset of WhatsApp Flows (5.1+), rendered as elements, never as HTML strings.
// TextBody and TextCaption (`markdown: true`): **bold**, *italic*, ~~strikethrough~~ (nested, as in
// ~~***this***~~), [links](url), bullet (- + *) and numbered lists. RichText adds `#` and `##`
// headings (deeper ones are body text), tables, and inline images, which must be data: URIs (the
// phone shows no external image). Paragraphs are array items or blocks split by a blank line.
import { html } from 'htm/preact';
import type { VNode } from 'preact';

export interface MarkdownOptions {
  /** `#`/`##` headings, tables and images: RichText only. */
  rich?: boolean;
}

type Inline = string | VNode;

// One alternative per construct; at one position the first alternative that matches wins, so the
// longer delimiters come first.
const INLINE = /(!?)\[([^\]]*)\]\(([^)\s]*)\)|~~(.+?)~~|\*\*\*(.+?)\*\*\*|\*\*(.+?)\*\*|\*([^*\s](?:[^*]*[^*\s])?)\*/g;

function link(text: string, url: string, options: MarkdownOptions): VNode {
  // Links are shown, not followed: the preview never leaves the page.
  return html`<a class="md-link" title=${url} href="#" onClick=${(event: Event) => event.preventDefault()}>${inline(text, options)}</a>`;
}

function image(alt: string, src: string): VNode {
  if (!src.startsWith('data:image/'))
    return html`<span class="md-image-external" title=${src}>[${alt || 'image'}: external images are not shown on the phone]</span>`;
  return html`<img class="md-image" src=${src} alt=${alt} />`;
}

/** Inline markdown of one paragraph, list item or table cell. */
export function inline(text: string, options: MarkdownOptions = {}): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const [whole, bang, label, url, strike, boldItalic, bold, italic] = match;
    const at = match.index;
    if (at > last) out.push(text.slice(last, at));
    last = at + whole.length;
    if (url !== undefined) {
      if (bang) out.push(options.rich ? image(label, url) : whole);
      else out.push(link(label, url, options));
    } else if (strike !== undefined) out.push(html`<s>${inline(strike, options)}</s>`);
    else if (boldItalic !== undefined) out.push(html`<strong><em>${inline(boldItalic, options)}</em></strong>`);
    else if (bold !== undefined) out.push(html`<strong>${inline(bold, options)}</strong>`);
    else out.push(html`<em>${inline(italic, options)}</em>`);
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

interface Line {
  text: string;
  /** The first line of an array item: a paragraph never continues across it. */
  itemStart: boolean;
}

function lines(source: string | readonly string[]): Line[] {
  const items = typeof source === 'string' ? [source] : source;
  return items.flatMap((item) =>
    String(item ?? '')
      .split(/\r?\n/)
      .map((text, index) => ({ text, itemStart: index === 0 })),
  );
}

const BULLET = /^\s*[-+*]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

/** Block-level markdown: paragraphs, lists and (RichText) headings and tables. */
export function blocks(source: string | readonly string[], options: MarkdownOptions = {}): VNode[] {
  const all = lines(source);
  const out: VNode[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;
  const flushParagraph = () => {
    if (paragraph.length) out.push(html`<p class="c-body">${inline(paragraph.join(' '), options)}</p>`);
    paragraph = [];
  };
  const flushList = () => {
    if (!list) return;
    const items = list.items.map((item) => html`<li>${inline(item, options)}</li>`);
    out.push(
      list.ordered
        ? html`<ol>
            ${items}
          </ol>`
        : html`<ul>
            ${items}
          </ul>`,
    );
    list = undefined;
  };
  for (let index = 0; index < all.length; index++) {
    const { text, itemStart } = all[index];
    if (itemStart) flushParagraph();
    const item = BULLET.exec(text) ?? NUMBERED.exec(text);
    if (item) {
      flushParagraph();
      const ordered = !BULLET.test(text);
      if (list && list.ordered !== ordered) flushList();
      list ??= { ordered, items: [] };
      list.items.push(item[1]);
      continue;
    }
    flushList();
    if (!text.trim()) {
      flushParagraph();
      continue;
    }
    const heading = options.rich ? HEADING.exec(text) : null;
    if (heading) {
      flushParagraph();
      const level = heading[1].length;
      // Only two heading levels exist on the phone; deeper ones are body text.
      if (level === 1) out.push(html`<h2 class="c-heading">${inline(heading[2], options)}</h2>`);
      else if (level === 2) out.push(html`<h3 class="c-subheading">${inline(heading[2], options)}</h3>`);
      else out.push(html`<p class="c-body">${inline(heading[2], options)}</p>`);
      continue;
    }
    if (options.rich && TABLE_ROW.test(text) && index + 1 < all.length && TABLE_RULE.test(all[index + 1].text)) {
      flushParagraph();
      const head = cells(text);
      const rows: string[][] = [];
      index += 2;
      while (index < all.length && TABLE_ROW.test(all[index].text)) rows.push(cells(all[index++].text));
      index--;
      out.push(
        html`<table class="md-table">
          <thead>
            <tr>
              ${head.map((cell) => html`<th>${inline(cell, options)}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (row) =>
                html`<tr>
                  ${head.map((_, column) => html`<td>${inline(row[column] ?? '', options)}</td>`)}
                </tr>`,
            )}
          </tbody>
        </table>`,
      );
      continue;
    }
    paragraph.push(text.trim());
  }
  flushParagraph();
  flushList();
  return out;
}
