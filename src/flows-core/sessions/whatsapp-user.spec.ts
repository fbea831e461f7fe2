import { describe, expect, it } from '@jest/globals';
import { asUserId, checkSender, normalizePhone } from './whatsapp-user.js';

describe('who a person is', () => {
  it.each([
    ['+351910000000', '+351910000000'],
    ['351910000000', '+351910000000'],
    ['+351 910 000 000', '+351910000000'],
    ['(+1) 650-555-1234', '+16505551234'],
    ['0910000000', undefined],
    ['US.13491208655302741918', undefined],
    ['12345', undefined],
    [42, undefined],
  ])('normalizePhone(%j) = %j', (value, phone) => {
    expect(normalizePhone(value)).toBe(phone);
  });

  it.each([
    ['US.13491208655302741918', true],
    ['US.ENT.11815799212886844830', true],
    ['BR.1502576394655843', true],
    ['us.1349', false],
    ['US.', false],
    ['US.1349 OR 1=1', false],
    [`US.${'1'.repeat(129)}`, false],
    ['+351910000000', false],
  ])('asUserId(%j) accepts it: %s', (value, ok) => {
    expect(asUserId(value)).toBe(ok ? value : undefined);
  });

  const maria = { phone: '+351910000000', userId: 'PT.1502576394655843' };
  it.each([
    ['a token issued to nobody', {}, maria, 'unbound'],
    ['a legacy reference that is no phone number', { phone: 'crm:42' }, maria, 'unbound'],
    ['the same phone, written by Meta without +', { phone: '+351910000000' }, { phone: '351910000000' }, 'match'],
    ['the same user id, no phone', { userId: maria.userId }, { userId: maria.userId }, 'match'],
    ['a parent user id the sender carries', { userId: 'PT.ENT.1' }, { userId: maria.userId, parentUserId: 'PT.ENT.1' }, 'match'],
    ['both identifiers agreeing', maria, maria, 'match'],
    ['another phone', { phone: '+351910000999' }, maria, 'mismatch'],
    ['another user id', { userId: 'PT.2' }, maria, 'mismatch'],
    ['the same phone with another user id', { phone: maria.phone, userId: 'PT.2' }, maria, 'mismatch'],
    ['a phone token, a sender known by user id only', { phone: maria.phone }, { userId: maria.userId }, 'unverifiable'],
    ['a user id token, a sender known by phone only', { userId: maria.userId }, { phone: maria.phone }, 'unverifiable'],
  ])('%s: %s', (_, issuedTo, sender, expected) => {
    expect(checkSender(issuedTo, sender)).toBe(expected);
  });
});
