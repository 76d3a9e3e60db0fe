/**
 * Query strings generated from an operation's declared parameters: the valid
 * ones a client may send, and one invalid case per rule, each with the error
 * App Store Connect answers (API-BEHAVIOR §3.2, §4.2).
 */
import type { ContractOperation, QueryParameter } from './contract-operations.ts';

export type Pairs = [string, string][];

export interface InvalidCase {
  rule: string;
  pairs: Pairs;
  code: 'PARAMETER_ERROR.ILLEGAL' | 'PARAMETER_ERROR.INVALID';
  parameter: string;
}

/** Values for parameters whose schema has no enum: an id from the surface, or any string. */
export type FreeValue = (parameter: QueryParameter) => string;

export function validQueries(op: ContractOperation, free: FreeValue): Pairs[] {
  const out: Pairs[] = [[]];
  const includes = op.parameters.find((p) => p.name === 'include')?.values ?? [];
  for (const p of op.parameters) {
    if (p.values) {
      const values = p.list ? p.values : p.values.slice();
      for (const v of values) out.push([[p.name, v]]);
      // Sort values exclude each other (number and -number); the others combine freely.
      if (p.list && p.name !== 'sort' && p.values.length > 1) {
        out.push([[p.name, p.values.join(',')]]);
      }
    } else if (p.integer) {
      const max = p.maximum ?? 200;
      const rel = /^limit\[(\w+)\]$/.exec(p.name)?.[1];
      const withInclude: Pairs = rel && includes.includes(rel) ? [['include', rel]] : [];
      out.push([...withInclude, [p.name, '1']], [...withInclude, [p.name, String(max)]]);
    } else if (p.name.startsWith('exists[')) {
      out.push([[p.name, 'true']], [[p.name, 'false']]);
    } else {
      out.push([[p.name, free(p)]]);
    }
  }
  // Everything at once: all includes, every field of every type, the largest limits.
  const all: Pairs = [];
  for (const p of op.parameters) {
    if (p.name.startsWith('fields[') && p.values) all.push([p.name, p.values.join(',')]);
    if (p.name === 'include' && p.values) all.push([p.name, p.values.join(',')]);
    if (p.integer) all.push([p.name, String(p.maximum ?? 200)]);
  }
  if (all.length > 0) out.push(all);
  return out;
}

export function invalidQueries(op: ContractOperation): InvalidCase[] {
  const out: InvalidCase[] = [
    {
      rule: 'an undeclared parameter',
      pairs: [['bogus', '1']],
      code: 'PARAMETER_ERROR.ILLEGAL',
      parameter: 'bogus',
    },
  ];
  const invalid = (rule: string, name: string, value: string, extra: Pairs = []) =>
    out.push({
      rule,
      pairs: [...extra, [name, value]],
      code: 'PARAMETER_ERROR.INVALID',
      parameter: name,
    });
  const pageable = op.parameters.some((p) => p.name === 'limit');

  for (const p of op.parameters) {
    if (p.values) {
      invalid(`an unknown value of ${p.name}`, p.name, 'notAThing');
      if (p.list) invalid(`an unknown value in a list of ${p.name}`, p.name, `${p.values[0]},zz`);
      invalid(`an empty ${p.name}`, p.name, '');
    }
    if (p.integer) {
      const max = p.maximum ?? 200;
      invalid(`${p.name} over the maximum`, p.name, String(max + 1));
      invalid(`${p.name} zero`, p.name, '0');
      invalid(`${p.name} negative`, p.name, '-1');
      invalid(`${p.name} not an integer`, p.name, '1.5');
      invalid(`${p.name} not a number`, p.name, 'ten');
      invalid(`${p.name} beyond any integer`, p.name, '9'.repeat(30));
      invalid(`${p.name} given twice`, p.name, '1', [[p.name, '1']]);
    }
  }
  if (pageable) {
    invalid('a cursor that is not base64url', 'cursor', '!!');
    invalid('a cursor that decodes to something else', 'cursor', 'eyJvZmZzZXQiOiIyIn0');
  } else {
    out.push({
      rule: 'a cursor where nothing pages',
      pairs: [['cursor', 'WzEsImEiXQ']],
      code: 'PARAMETER_ERROR.ILLEGAL',
      parameter: 'cursor',
    });
  }
  return out;
}

export function queryString(pairs: Pairs): string {
  if (pairs.length === 0) return '';
  return `?${pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&')}`;
}
