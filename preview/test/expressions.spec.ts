import { describe, expect, it } from '@jest/globals';
import { evaluate, flag, lookup, resolve, type Scope } from '../src/expressions.js';

const scope: Scope = {
  data: { name: 'Maria', count: 3, items: [{ id: 'a' }], has_more: false, nested: { city: 'Porto' }, empty: [] },
  form: { email: 'maria@example.com', age: '21', opt_in: true },
  screens: { START: { data: { greeting: 'Hi' }, form: { first: 'Ana' } } },
};

describe('Flow JSON expressions', () => {
  it('a whole reference keeps the value and its type', () => {
    expect(resolve('${data.count}', scope)).toBe(3);
    expect(resolve('${data.items}', scope)).toEqual([{ id: 'a' }]);
    expect(resolve('${form.opt_in}', scope)).toBe(true);
    expect(resolve('${data.nested.city}', scope)).toBe('Porto');
  });

  it('references inside a string become text; missing ones are empty', () => {
    expect(resolve('Hello ${data.name}, you have ${data.count} items', scope)).toBe('Hello Maria, you have 3 items');
    expect(resolve('[${data.missing}]', scope)).toBe('[]');
  });

  it('${screen.S.form.x} and ${screen.S.data.x} read another screen', () => {
    expect(resolve('${screen.START.form.first}', scope)).toBe('Ana');
    expect(resolve('${screen.START.data.greeting} ${form.email}', scope)).toBe('Hi maria@example.com');
    expect(lookup('screen.NOWHERE.form.first', scope)).toBeUndefined();
  });

  it('payloads resolve member by member', () => {
    expect(resolve({ product_id: '${form.email}', page: '${data.count}', fixed: 1, list: ['${data.name}'] }, scope)).toEqual({
      product_id: 'maria@example.com',
      page: 3,
      fixed: 1,
      list: ['Maria'],
    });
  });

  it('conditions: comparisons, &&, ||, !, parentheses, strings and numbers', () => {
    expect(evaluate("${form.age} >= 18 && ${data.name} == 'Maria'", scope)).toBe(true);
    expect(evaluate('${data.count} > 5 || !${data.has_more}', scope)).toBe(true);
    expect(evaluate('(${data.count} + 2) == 5', scope)).toBe(true);
    expect(evaluate("${data.name} != 'Maria'", scope)).toBe(false);
    expect(() => evaluate('${data.count} >', scope)).toThrow(SyntaxError);
  });

  it('backtick strings are expressions', () => {
    expect(resolve('`${data.count} == 3`', scope)).toBe(true);
  });

  it('visible/enabled/required flags: absent is the default, references and conditions are evaluated', () => {
    expect(flag(undefined, scope, true)).toBe(true);
    expect(flag('${data.has_more}', scope, true)).toBe(false);
    expect(flag('${data.empty}', scope, true)).toBe(false);
    expect(flag('${form.opt_in} && ${data.count} == 3', scope, false)).toBe(true);
    expect(flag(false, scope, true)).toBe(false);
  });
});
