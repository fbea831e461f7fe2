// The README and docs/ link to each other and into the repository: every relative link must point to a
// file that exists and, with a #fragment, to a heading (or an explicit anchor) of that file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README_MAX_LINES = 150;

/** README.md and every page under docs/ (sub-folders included). */
function pages(): string[] {
  const found = ['README.md'];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(ROOT, dir))) {
      const path = join(dir, name);
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (name.endsWith('.md')) found.push(path);
    }
  };
  walk('docs');
  return found;
}

/** The text outside fenced code blocks and inline code spans (links there are examples, not links). */
function prose(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/(`+)[\s\S]*?\1/g, '')
    .replace(/<!--[\s\S]*?-->/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a page offers: its headings (numbered like GitHub when repeated) and explicit ids. */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(heading.replace(/`/g, ''));
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const [, id] of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(id);
  return found;
}

/** Link targets of a page: inline links and images, reference definitions, HTML href and src. */
function links(markdown: string): string[] {
  const text = prose(markdown);
  const targets = [
    ...[...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]),
    ...[...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((match) => match[1]),
    ...[...text.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((match) => match[1]),
  ];
  return targets.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** What is wrong with one relative link of `page`, or undefined when it resolves. */
function brokenLink(page: string, target: string): string | undefined {
  const [pathPart, fragment] = target.split('#', 2) as [string, string | undefined];
  const path = pathPart ? resolve(ROOT, dirname(page), decodeURIComponent(pathPart)) : join(ROOT, page);
  if (!path.startsWith(ROOT)) return `${target}: points outside the repository`;
  if (!existsSync(path)) return `${target}: no file ${relative(ROOT, path)}`;
  if (fragment === undefined || fragment === '') return undefined;
  if (!path.endsWith('.md')) return `${target}: a #fragment on a file that is not Markdown`;
  if (!anchors(readFileSync(path, 'utf8')).has(decodeURIComponent(fragment))) {
    return `${target}: no heading or anchor "#${fragment}" in ${relative(ROOT, path)}`;
  }
  return undefined;
}

describe('README.md and docs/', () => {
  it('every relative link points to a file that exists, and every #fragment to a heading of it', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const page of pages()) {
      for (const target of links(readFileSync(join(ROOT, page), 'utf8'))) {
        checked += 1;
        const problem = brokenLink(page, target);
        if (problem) broken.push(`${page}: ${problem}`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('README.md fits on a page; the rest lives in docs/', () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').trimEnd().split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('the link check finds what is wrong (a missing file, a missing heading, a link outside the repository)', () => {
    expect(brokenLink('README.md', 'docs/no-such-page.md')).toMatch(/no file docs\/no-such-page\.md/);
    expect(brokenLink('README.md', 'docs/configuration.md#no-such-heading')).toMatch(/no heading or anchor "#no-such-heading"/);
    expect(brokenLink('docs/cli.md', '../../outside.md')).toMatch(/outside the repository/);
    expect(brokenLink('docs/cli.md', 'configuration.md#http-server')).toBeUndefined();
    expect(links('[a](x.md) `[b](y.md)` <!-- [c](z.md) -->\n```\n[d](w.md)\n```\n[e]: v.md\n[f](https://example.com)')).toEqual(['x.md', 'v.md']);
  });

  it('anchors are made as GitHub makes them', () => {
    expect(slug('Photos and documents (PhotoPicker, DocumentPicker)')).toBe('photos-and-documents-photopicker-documentpicker');
    expect(slug("Writing in the request's transaction")).toBe('writing-in-the-requests-transaction');
    expect(slug('flow:simulate')).toBe('flowsimulate');
    expect(slug('FLOW_MEDIA_DIR and friends')).toBe('flow_media_dir-and-friends');
    expect(slug('One transaction per request, one completion per token')).toBe('one-transaction-per-request-one-completion-per-token');
    expect([...anchors('# A\n## A\n```\n# B\n```\n<a id="c"></a>')]).toEqual(['a', 'a-1', 'c']);
  });
});
