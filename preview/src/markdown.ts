// The markdown subset of TextBody/TextCaption (`markdown: true`) and RichText: **bold**, *italic*,
// ~~strikethrough~~, [links](url), headings, bullet and numbered lists. Rendered as elements, never
// as HTML strings.
import { html } from 'htm/preact';
import type { VNode } from 'preact';

const INLINE = /(\*\*[^*]+\*\*|\*[^*]+\*|~~[^~]+~~|\[[^\]]+\]\([^)]+\))/g;

export function inline(text: string): Array<string | VNode> {
  return text
    .split(INLINE)
    .filter(Boolean)
    .map((part) => {
      if (part.startsWith('**') && part.endsWith('**')) return html`<strong>${part.slice(2, -2)}</strong>`;
      if (part.startsWith('~~') && part.endsWith('~~')) return html`<s>${part.slice(2, -2)}</s>`;
      if (part.startsWith('*') && part.endsWith('*') && part.length > 2) return html`<em>${part.slice(1, -1)}</em>`;
      const link = /^\[([^\]]+)\]\(([^)]+)\)$/.exec(part);
      // Links are shown, not followed: the preview never leaves the page.
      if (link) return html`<a class="md-link" title=${link[2]} href="#" onClick=${(event: Event) => event.preventDefault()}>${link[1]}</a>`;
      return part;
    });
}

/** Block-level markdown of RichText. */
export function blocks(source: string): VNode[] {
  const out: VNode[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;
  const flush = () => {
    if (!list) return;
    const items = list.items.map((item) => html`<li>${inline(item)}</li>`);
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
  for (const line of source.split('\n')) {
    const bullet = /^\s*[-+*]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+\.\s+(.*)$/.exec(line);
    if (bullet || numbered) {
      const ordered = Boolean(numbered);
      if (list && list.ordered !== ordered) flush();
      list ??= { ordered, items: [] };
      list.items.push((bullet ?? numbered)![1]);
      continue;
    }
    flush();
    const heading = /^(#{1,2})\s+(.*)$/.exec(line);
    if (heading)
      out.push(
        heading[1].length === 1 ? html`<h2 class="c-heading">${inline(heading[2])}</h2>` : html`<h3 class="c-subheading">${inline(heading[2])}</h3>`,
      );
    else if (line.trim()) out.push(html`<p class="c-body">${inline(line)}</p>`);
  }
  flush();
  return out;
}
