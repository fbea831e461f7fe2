import { describe, expect, it } from '@jest/globals';
import { redactPhoneNumbers } from './redact-phone-numbers.js';

describe('redactPhoneNumbers', () => {
  it.each([
    ['Message undeliverable to +351917654321', 'Message undeliverable to [phone]'],
    ['recipient 351917654321 is not on WhatsApp', 'recipient [phone] is not on WhatsApp'],
    ['call +351 917 654 321 or 917-654-321.', 'call [phone] or [phone].'],
    ['(#131026) Message undeliverable', '(#131026) Message undeliverable'],
    ['wa_id=447700900123, code 100', 'wa_id=[phone], code 100'],
  ])('%j → %j', (text, redacted) => {
    expect(redactPhoneNumbers(text)).toBe(redacted);
  });
});
