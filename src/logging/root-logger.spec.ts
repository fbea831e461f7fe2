import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { loggerSettings, writeInfoLine } from './root-logger.js';

/**
 * The request lines' logger with the process's own settings (a worker's role, quoted, for escapes in
 * the bindings), writing into an array: a setting added there that writeInfoLine does not follow fails here.
 */
function capture() {
  const lines: string[] = [];
  const logger = pino(loggerSettings({ level: 'info', format: 'json', role: 'worker "1" \\ é' }), { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

const withoutTime = (line: string) => line.replace(/"time":\d+/, '"time":0');

describe('writeInfoLine', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    [
      'a completion line',
      {
        req: { id: 'c0ffee-1', method: 'POST', path: '/flows/inventory' },
        res: { statusCode: 200 },
        responseTime: 12.3,
        flow: 'inventory',
        screen: 'INVENTORY',
        action: 'data_exchange',
        outcome: 'ok',
        flowKey: 'sha256:0123456789ab',
        signedWith: 'current:sha256:ba9876543210',
      },
    ],
    ['text that must be escaped', { req: { path: '/flows/"quoted"\\slash\n\u2028é' }, tenant: 'ünïcode' }],
    ['undefined fields left out, nulls kept', { a: undefined, b: null, c: 0 }],
    ['no fields', {}],
  ];

  it.each(cases)('writes %s byte for byte as pino does', (_name, fields) => {
    const { logger, lines } = capture();
    logger.info(fields, 'request completed');
    writeInfoLine(logger, fields, 'request completed');
    expect(lines).toHaveLength(2);
    expect(withoutTime(lines[1])).toBe(withoutTime(lines[0]));
    expect(JSON.parse(lines[1])).toMatchObject({ level: 30, service: 'flowgate', msg: 'request completed' });
  });

  it('takes the time of writing, in milliseconds as pino does', () => {
    const { logger, lines } = capture();
    const before = Date.now();
    writeInfoLine(logger, { req: { id: '1' } }, 'request completed');
    const { time } = JSON.parse(lines[0]) as { time: number };
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });

  it("keeps a child logger's bindings", () => {
    const { logger, lines } = capture();
    const child = logger.child({ context: 'Requests' });
    child.info({ x: 1 }, 'm');
    writeInfoLine(child, { x: 1 }, 'm');
    expect(withoutTime(lines[1])).toBe(withoutTime(lines[0]));
  });
});
