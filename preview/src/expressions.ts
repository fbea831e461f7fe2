// Dynamic values of Flow JSON, evaluated as WhatsApp's client does: `${data.x}` (the screen's data),
// `${form.x}` (the user's input on this screen), `${screen.S.form.x}` / `${screen.S.data.x}` (another
// screen's, from 4.0), and the small condition language of `If`, `visible` and backtick expressions
// (`==`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||`, `!`, parentheses, 'strings', numbers).

export type Values = Record<string, unknown>;

export interface Scope {
  data: Values;
  form: Values;
  /** Every screen the user went through, by id. */
  screens?: Record<string, { data: Values; form: Values }>;
}

const REFERENCE = /\$\{([^}]+)\}/g;
const WHOLE = /^\$\{([^}]+)\}$/;

/** The value a reference such as `data.items` or `screen.START.form.name` points at. */
export function lookup(path: string, scope: Scope): unknown {
  const parts = path.trim().split('.');
  let value: unknown;
  let rest: string[];
  if (parts[0] === 'data' || parts[0] === 'form') {
    value = scope[parts[0]];
    rest = parts.slice(1);
  } else if (parts[0] === 'screen' && parts.length >= 3 && (parts[2] === 'data' || parts[2] === 'form')) {
    value = scope.screens?.[parts[1]]?.[parts[2]];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  for (const part of rest) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Resolves a property value: a string that is one reference keeps the referenced value's type;
 * references inside a longer string are replaced by their text; a backtick string is an expression;
 * arrays and objects are resolved member by member.
 */
export function resolve(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') {
    if (value.length > 1 && value.startsWith('`') && value.endsWith('`')) return evaluate(value.slice(1, -1), scope);
    const whole = WHOLE.exec(value);
    if (whole) return lookup(whole[1], scope);
    return value.includes('${') ? value.replace(REFERENCE, (_, path: string) => text(lookup(path, scope))) : value;
  }
  if (Array.isArray(value)) return value.map((item) => resolve(item, scope));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(item, scope)]));
  }
  return value;
}

/** A resolved value as the client reads it for `visible`, `enabled`, `required`, `If`. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

/** A boolean property: absent is `fallback`; a reference or expression is evaluated. */
export function flag(value: unknown, scope: Scope, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && !value.startsWith('`') && !WHOLE.test(value) && value.includes('${')) return truthy(evaluate(value, scope));
  return truthy(resolve(value, scope));
}

// ---- the condition language

type Token = { kind: 'value'; value: unknown } | { kind: 'op'; op: string };

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '+', '-'];

function tokenize(source: string, scope: Scope): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (/\s/.test(char)) {
      i++;
    } else if (source.startsWith('${', i)) {
      const end = source.indexOf('}', i);
      if (end < 0) throw new SyntaxError(`unclosed \${ in ${source}`);
      tokens.push({ kind: 'value', value: lookup(source.slice(i + 2, end), scope) });
      i = end + 1;
    } else if (char === "'" || char === '"') {
      const end = source.indexOf(char, i + 1);
      if (end < 0) throw new SyntaxError(`unclosed string in ${source}`);
      tokens.push({ kind: 'value', value: source.slice(i + 1, end) });
      i = end + 1;
    } else if (/[0-9.]/.test(char)) {
      const match = /^[0-9]*\.?[0-9]+/.exec(source.slice(i))!;
      tokens.push({ kind: 'value', value: Number(match[0]) });
      i += match[0].length;
    } else if (/[a-z]/i.test(char)) {
      const match = /^[a-z_]+/i.exec(source.slice(i))!;
      const word = match[0];
      if (word !== 'true' && word !== 'false' && word !== 'null') throw new SyntaxError(`unknown word "${word}" in ${source}`);
      tokens.push({ kind: 'value', value: word === 'null' ? null : word === 'true' });
      i += word.length;
    } else {
      const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
      if (!op) throw new SyntaxError(`unexpected "${char}" in ${source}`);
      tokens.push({ kind: 'op', op });
      i += op.length;
    }
  }
  return tokens;
}

/** Evaluates a condition such as `${form.age} >= 18 && ${data.country} == 'PT'`. */
export function evaluate(source: string, scope: Scope): unknown {
  const tokens = tokenize(source, scope);
  let position = 0;
  const peek = () => tokens[position];
  const isOp = (op: string) => peek()?.kind === 'op' && (peek() as { op: string }).op === op;

  const primary = (): unknown => {
    const token = tokens[position++];
    if (!token) throw new SyntaxError(`unexpected end of ${source}`);
    if (token.kind === 'value') return token.value;
    if (token.op === '(') {
      const value = or();
      if (!isOp(')')) throw new SyntaxError(`missing ) in ${source}`);
      position++;
      return value;
    }
    if (token.op === '!') return !truthy(primary());
    if (token.op === '-') return -Number(primary());
    throw new SyntaxError(`unexpected "${token.op}" in ${source}`);
  };
  const sum = (): unknown => {
    let left = primary();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[position++] as { op: string }).op;
      const right = primary();
      left =
        op === '+'
          ? typeof left === 'number' && typeof right === 'number'
            ? left + right
            : `${text(left)}${text(right)}`
          : Number(left) - Number(right);
    }
    return left;
  };
  const comparison = (): unknown => {
    const left = sum();
    for (const op of ['==', '!=', '<=', '>=', '<', '>']) {
      if (isOp(op)) {
        position++;
        const right = sum();
        switch (op) {
          case '==':
            return left == right; // the client compares loosely: '5' == 5
          case '!=':
            return left != right;
          case '<=':
            return Number(left) <= Number(right);
          case '>=':
            return Number(left) >= Number(right);
          case '<':
            return Number(left) < Number(right);
          default:
            return Number(left) > Number(right);
        }
      }
    }
    return left;
  };
  const and = (): unknown => {
    let left = comparison();
    while (isOp('&&')) {
      position++;
      const right = comparison();
      left = truthy(left) && truthy(right);
    }
    return left;
  };
  const or = (): unknown => {
    let left = and();
    while (isOp('||')) {
      position++;
      const right = and();
      left = truthy(left) || truthy(right);
    }
    return left;
  };
  const value = or();
  if (position < tokens.length) throw new SyntaxError(`unexpected "${JSON.stringify(tokens[position])}" in ${source}`);
  return value;
}
