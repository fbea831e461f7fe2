import { describe, expect, it } from '@jest/globals';
import { contractProblem, replyProblem } from './preview-problems.js';

const reply = (status: number, body?: Record<string, unknown>, text?: string) => ({ status, body, text, durationMs: 1 });

describe('what the preview says about an answer', () => {
  it('a usable 200 is no problem; a 200 without an encrypted reply is', () => {
    expect(replyProblem('inventory', 'http://x', reply(200, { screen: 'A' }))).toBeUndefined();
    expect(replyProblem('inventory', 'http://x', reply(200, undefined, 'oops'))?.title).toContain('without an encrypted reply');
  });

  it('427: a used-up token asks for a restart, an unknown one for an issued --token', () => {
    expect(replyProblem('appointments', 'http://x', reply(427, { error_msg: 'This link has expired. Please ask us for a new one.' }))?.fix).toContain(
      'Restart',
    );
    const unknown = replyProblem('appointments', 'http://x', reply(427, { error_msg: 'This link is not valid.' }));
    expect(unknown?.title).toBe('HTTP 427: This link is not valid.');
    expect(unknown?.fix).toContain('POST /admin/flows/appointments/sessions');
    expect(unknown?.fix).toContain('--token');
  });

  it('421, 401, 404 and 500 name what differs and where to look', () => {
    expect(replyProblem('f', 'http://x', reply(421))?.fix).toContain('FLOW_PRIVATE_KEY');
    expect(replyProblem('f', 'http://x', reply(401))?.fix).toContain('WHATSAPP_APP_SECRET');
    expect(replyProblem('f', 'http://x', reply(404))?.title).toBe('HTTP 404: http://x has no flow named "f"');
    expect(replyProblem('f', 'http://x', reply(500, undefined, '{"statusCode":500}'))?.fix).toContain("Flowgate's log");
  });

  it('contract violations name the handler to fix', () => {
    expect(contractProblem('BROKEN', [])).toBeUndefined();
    const problem = contractProblem('BROKEN', ['data.items: expected array, got string']);
    expect(problem?.fix).toContain('Fix the handler of screen BROKEN');
    expect(problem?.fix).toContain('data.items: expected array, got string');
    expect(contractProblem(undefined, ['screen: missing'])?.fix).toContain('the handler of INIT');
  });
});
