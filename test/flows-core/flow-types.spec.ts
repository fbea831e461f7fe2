import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { Type as Class } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString } from 'class-validator';
import { flowTypesModel } from '../../src/tools/flow-types-generator.js';
import { flowTypesFor } from '../../src/tools/flow-types.js';
import { dtoShape, payloadShape, screenHandlers } from '../kit/dto-agreement.js';
import { registeredFlows } from '../support/registered-flows.js';
import { PROJECT_ROOT } from '../support/server-process.js';

/** Every @Flow class of the registered flow modules (the examples and any a team adds), with its Flow JSON file. */
const flows = registeredFlows.map((flow) => ({ ...flow, file: join(PROJECT_ROOT, flow.file) }));

describe('typed screens', () => {
  it('finds the flows: the examples among them, each with its Flow JSON', () => {
    expect(flows.map((flow) => flow.name)).toEqual(expect.arrayContaining(['appointments', 'inventory', 'returns']));
    for (const flow of flows) expect([flow.name, existsSync(flow.file)]).toEqual([flow.name, true]);
  });

  it.each(flows.map((flow) => [flow.name, flow] as const))('%s: the committed flow-types file is what flow:types generates', (_, flow) => {
    expect(flowTypesFor(flow.file, true).status).toBe('fresh');
  });

  // The handler's DTO is the run-time check of what the screen sends; the generated payload type is
  // the compile-time one. Both come from different places, so this proves they say the same thing.
  it.each(flows.map((flow) => [flow.name, flow] as const))(
    '%s: every screen handler has a DTO that validates exactly the payload its screen sends',
    (_, flow) => {
      const model = flowTypesModel(JSON.parse(readFileSync(flow.file, 'utf8')));
      const handlers = screenHandlers(flow.flowClass);
      expect(handlers.map((handler) => handler.screen).sort()).toEqual(
        Object.entries(model.payloads)
          .filter(([, actions]) => actions.length > 0)
          .map(([screen]) => screen)
          .sort(),
      );
      for (const { method, screen, dto } of handlers) {
        expect([method, typeof dto === 'function' && dto !== Object]).toEqual([method, true]);
        expect([`${method} (${screen})`, dtoShape(dto as Class<unknown>)]).toEqual([`${method} (${screen})`, payloadShape(model, screen)]);
      }
    },
  );

  it('a DTO that drifts from the Flow JSON is caught: a missing key, an extra key, a wrong type, a wrong optionality', () => {
    const model = flowTypesModel({
      version: '7.3',
      screens: [
        {
          id: 'A',
          layout: {
            type: 'SingleColumnLayout',
            children: [
              { type: 'TextInput', name: 'qty', label: 'Qty', 'input-type': 'number', required: true },
              { type: 'TextInput', name: 'note', label: 'Note' },
              { type: 'Footer', label: 'Go', 'on-click-action': { name: 'data_exchange', payload: { qty: '${form.qty}', note: '${form.note}' } } },
            ],
          },
        },
      ],
    });
    const sent = payloadShape(model, 'A');
    expect(sent).toEqual({ qty: { kind: 'number', optional: false }, note: { kind: 'string', optional: true } });

    class Agrees {
      @Type(() => Number) @IsInt() qty: number;
      @IsOptional() @IsString() note?: string;
    }
    class MissesNote {
      @IsInt() qty: number;
    }
    class ExtraKey extends Agrees {
      @IsString() coupon: string;
    }
    class WrongType {
      @IsString() qty: string;
      @IsOptional() @IsString() note?: string;
    }
    class NoteRequired {
      @IsInt() qty: number;
      @IsString() note: string;
    }
    expect(dtoShape(Agrees)).toEqual(sent);
    for (const drifted of [MissesNote, ExtraKey, WrongType, NoteRequired])
      expect([drifted.name, dtoShape(drifted)]).not.toEqual([drifted.name, sent]);
  });
});
