import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { detectContentType } from '../../src/flow-media/content-type.js';
import { makeJpeg, makePdf, makePng } from '../kit/whatsapp-media.js';
import { makeZipBomb, peakRssGrowth, stored, zipOf } from './fixtures/zip-bomb.js';

const MiB = 1024 * 1024;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

describe('content type from the bytes: magic numbers in a bounded prefix, nothing inflated', () => {
  let dir: string;
  let bomb: string;
  const file = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowgate-sniff-'));
    // ~200 KiB on disk; its [Content_Types].xml inflates to 200 MiB.
    bomb = file('bomb.docx', await makeZipBomb(200 * MiB));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a ZIP whose [Content_Types].xml inflates to 200 MiB is typed without inflating it: memory stays flat', async () => {
    // Refused unread when the field takes no archive type; typed by member names when it takes Office files.
    for (const allow of [['application/pdf'], [DOCX], undefined]) {
      const { result, growth } = await peakRssGrowth(() => detectContentType(bomb, allow));
      expect(result).toBe('application/zip');
      expect(growth).toBeLessThan(24 * MiB);
    }
  });

  it('types the pickers’ formats from their magic numbers', async () => {
    expect(await detectContentType(file('a.png', makePng()))).toBe('image/png');
    expect(await detectContentType(file('a.jpg', makeJpeg()))).toBe('image/jpeg');
    expect(await detectContentType(file('a.pdf', makePdf()))).toBe('application/pdf');
    expect(await detectContentType(file('a.gif', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')))).toBe('image/gif');
    const box = (brand: string) => Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from(`ftyp${brand}\0\0\0\0mif1heic`, 'latin1')]);
    expect(await detectContentType(file('a.heic', box('heic')))).toBe('image/heic');
    expect(await detectContentType(file('a.mp4', box('isom')))).toBe('video/mp4');
    expect(await detectContentType(file('a.txt', Buffer.from('Olá, a note\n')))).toBe('text/plain');
    expect(await detectContentType(file('a.bin', Buffer.from([0, 1, 2, 3, 250])))).toBe('application/octet-stream');
    expect(await detectContentType(file('empty', Buffer.alloc(0)))).toBe('application/octet-stream');
  });

  it('types Office and OpenDocument files by their members’ names (local headers, else the central directory)', async () => {
    const docx = zipOf([stored('[Content_Types].xml', '<Types/>'), stored('_rels/.rels', '<Relationships/>'), stored('word/document.xml', '<w/>')]);
    expect(await detectContentType(file('a.docx', docx), [DOCX])).toBe(DOCX);
    // Refused unread when the field does not take Office files.
    expect(await detectContentType(file('b.docx', docx), ['application/pdf'])).toBe('application/zip');
    // Sizes after the data (a streaming writer): the central directory names the members.
    const streamed = zipOf([stored('[Content_Types].xml', '<Types/>', true), stored('xl/workbook.xml', '<x/>', true)]);
    expect(await detectContentType(file('a.xlsx', streamed))).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const odt = zipOf([stored('mimetype', 'application/vnd.oasis.opendocument.text'), stored('content.xml', '<o/>')]);
    expect(await detectContentType(file('a.odt', odt))).toBe('application/vnd.oasis.opendocument.text');
    expect(await detectContentType(file('a.zip', zipOf([stored('notes.txt', 'hello')])))).toBe('application/zip');
  });
});
