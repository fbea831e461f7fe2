import { describe, expect, it } from '@jest/globals';
import { redactPhoneNumbers } from './redact-phone-numbers.js';
import { redactUserIds } from './redact-user-ids.js';

describe('redactUserIds', () => {
  it.each([
    ['(#131062) recipient US.13491208655302741918 cannot receive this message', '(#131062) recipient [user-id] cannot receive this message'],
    ['parent US.ENT.11815799212886844830, user BR.1502576394655843.', 'parent [user-id], user [user-id].'],
    ['user_id=IN.1410018717833190', 'user_id=[user-id]'],
    ['IN.a1B2c3D4e5F6g7H8i9', '[user-id]'],
    // Not BSUIDs: versions, hosts, words.
    ['POST https://graph.facebook.com/v23.0/106540352242922/messages', 'POST https://graph.facebook.com/v23.0/106540352242922/messages'],
    ['See docs.example.com or US.Army', 'See docs.example.com or US.Army'],
  ])('%j → %j', (text, redacted) => {
    expect(redactUserIds(text)).toBe(redacted);
  });

  it('runs before the phone number redaction, which would otherwise leave the country code of a BSUID', () => {
    const text = 'recipient US.13491208655302741918 or +351917654321';
    expect(redactPhoneNumbers(redactUserIds(text))).toBe('recipient [user-id] or [phone]');
    expect(redactPhoneNumbers(text)).not.toContain('[user-id]');
  });
});
