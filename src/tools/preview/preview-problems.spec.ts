import { describe, expect, it } from '@jest/globals';
import { contentSecurityPolicy } from './preview-server.js';
import { contractProblem, initErrorProblem, mediaFetchProblem, replyProblem, replyVerdict } from './preview-problems.js';

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

  it("a file of the preview's CDN that Flowgate could not fetch names the settings it needs; other refusals are the handler's answer", () => {
    const cdn = { url: 'https://127.0.0.1:4000/cdn/', serverSettings: { FLOW_MEDIA_HOSTS: '127.0.0.1', FLOW_MEDIA_DEV_CA_FILE: '/p/cdn-cert.pem' } };
    const data = { photos: [{ media_id: 'm', cdn_url: 'https://127.0.0.1:4000/cdn/m', file_name: 'a.png' }] };
    const answer = (message: string) => reply(200, { screen: 'PHOTOS', data: { error_message: message } });
    const unfetched = mediaFetchProblem(data, answer('"a.png" could not be fetched from WhatsApp. Please attach it again.'), cdn);
    expect(unfetched?.title).toContain("from the preview's CDN (https://127.0.0.1:4000/cdn/)");
    expect(unfetched?.fix).toBe(
      'Start Flowgate with FLOW_MEDIA_HOSTS=127.0.0.1 FLOW_MEDIA_DEV_CA_FILE=/p/cdn-cert.pem (outside production only), then pick the file again. ' +
        "Flowgate's log names the reason.",
    );
    expect(mediaFetchProblem(data, answer('"a.png" could not be fetched right now. Please try again in a moment.'), cdn)).toBeDefined();
    expect(mediaFetchProblem(data, answer('"a.png" is no longer available. Please attach it again.'), cdn)?.fix).toContain('pick the file again');
    // A refusal of the file itself, media from elsewhere, or no error: nothing to add.
    expect(mediaFetchProblem(data, answer('"a.png" is not a file type we accept here.'), cdn)).toBeUndefined();
    expect(
      mediaFetchProblem({ photos: [{ cdn_url: 'https://mmg.whatsapp.net/x' }] }, answer('"a.png" could not be fetched from WhatsApp.'), cdn),
    ).toBeUndefined();
    expect(mediaFetchProblem(data, reply(200, { screen: 'RECEIPT', data: {} }), cdn)).toBeUndefined();
    expect(mediaFetchProblem('x', reply(500), cdn)).toBeUndefined();
  });

  it('an error answer, a 4xx, a 5xx or no body never matches the Flow JSON', () => {
    expect(replyVerdict(reply(200, { screen: 'A', data: {} }), [])).toBe('matches');
    expect(replyVerdict(reply(200, { screen: 'A', data: { error_message: 'This step is not available right now.' } }), [])).toBe('error_message');
    // An error answer stays one even when it also lacks the screen's data.
    expect(replyVerdict(reply(200, { screen: 'A', data: { error_message: 'x' } }), ['data.items: required by screen A'])).toBe('error_message');
    expect(replyVerdict(reply(200, { screen: 'A', data: {} }), ['data.items: required by screen A'])).toBe('violates');
    expect(replyVerdict(reply(427, { error_msg: 'expired' }), [])).toBe('no_reply');
    expect(replyVerdict(reply(500, undefined, 'boom'), [])).toBe('no_reply');
    expect(replyVerdict(reply(200, undefined, 'not encrypted'), [])).toBe('no_reply');
  });

  it('INIT answered with an error says why the flow starts with INIT and what a missing INIT handler looks like', () => {
    const problem = initErrorProblem('This step is not available right now. Please try again later.', {
      screen: 'SERVICE',
      reason: 'SERVICE declares data (services) that the endpoint sends when the flow opens.',
    });
    expect(problem.title).toBe(
      'INIT was answered with an error, so the flow cannot open: "This step is not available right now. Please try again later."',
    );
    expect(problem.fix).toContain('SERVICE declares data (services)');
    expect(problem.fix).toContain('has no handler for INIT');
    expect(problem.fix).toContain('@FlowInit()');
    expect(problem.fix).toContain('returns the data of SERVICE');
  });
});

describe("the page's Content-Security-Policy", () => {
  it('script and style from the page only, requests to the page and its CDN only, Flow JSON images inline', () => {
    const policy = contentSecurityPolicy('https://127.0.0.1:40123/cdn/');
    expect(policy.split('; ')).toEqual([
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self' https://127.0.0.1:40123",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
  });
});
