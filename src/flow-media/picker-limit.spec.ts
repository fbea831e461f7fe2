import { describe, expect, it } from '@jest/globals';
import type { FlowJson } from '../flow-json/index.js';
import { pickerMaxBytes } from './picker-limit.js';

const footer = (payload: Record<string, string>) => ({ type: 'Footer', label: 'Send', 'on-click-action': { name: 'data_exchange', payload } });
const flowJson = {
  version: '7.3',
  screens: [
    {
      id: 'PHOTOS',
      layout: {
        type: 'SingleColumnLayout',
        children: [{ type: 'PhotoPicker', name: 'photos', label: 'Photos', 'max-file-size-kb': 512 }, footer({ pics: '${form.photos}' })],
      },
    },
    {
      id: 'DOCS',
      layout: { type: 'SingleColumnLayout', children: [{ type: 'DocumentPicker', name: 'docs', label: 'Docs' }, footer({ docs: '${form.docs}' })] },
    },
    {
      id: 'DYNAMIC',
      layout: {
        type: 'SingleColumnLayout',
        children: [{ type: 'DocumentPicker', name: 'later', label: 'Docs', 'max-file-size-kb': '${data.limit}' }, footer({ later: '${form.later}' })],
      },
    },
    { id: 'END', terminal: true, layout: { type: 'SingleColumnLayout', children: [] } },
  ],
} as unknown as FlowJson;

describe("a picker's own file size limit", () => {
  it('reads max-file-size-kb of the picker named by the field, on the screen or any screen', () => {
    expect(pickerMaxBytes(flowJson, 'PHOTOS', 'photos')).toBe(512 * 1024);
    expect(pickerMaxBytes(flowJson, undefined, 'photos')).toBe(512 * 1024);
  });

  it("takes the screen's one picker when the payload names the field differently", () => {
    expect(pickerMaxBytes(flowJson, 'PHOTOS', 'pics')).toBe(512 * 1024);
  });

  it("is Meta's 25 MiB when the picker leaves it out or computes it, and nothing without a picker", () => {
    expect(pickerMaxBytes(flowJson, 'DOCS', 'docs')).toBe(25 * 1024 * 1024);
    expect(pickerMaxBytes(flowJson, 'DYNAMIC', 'later')).toBe(25 * 1024 * 1024);
    expect(pickerMaxBytes(flowJson, 'END', 'other')).toBeUndefined();
    expect(pickerMaxBytes(undefined, 'PHOTOS', 'photos')).toBeUndefined();
  });
});
