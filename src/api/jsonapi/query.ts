/**
 * Reads a request's query string against the contract's rules for the
 * operation: names the contract does not declare are refused (ASC answers
 * PARAMETER_ERROR.ILLEGAL rather than ignoring them), values outside its enums
 * or limits are PARAMETER_ERROR.INVALID, each naming the parameter.
 */
import { AscError, parameterIllegal, parameterInvalid } from '../../errors.ts';
import type { Operation, ParameterRule } from './contract.ts';
import { decodeCursor } from './cursor.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const DEFAULT_INCLUDED_LIMIT = 50;

export interface ParsedQuery {
  /** fields[type] → allowed attribute and relationship names. */
  fields: Map<string, Set<string>>;
  include: Set<string>;
  limit: number;
  /** limit[relationship] → cap on included to-many items. */
  relationLimits: Map<string, number>;
  sort: string[];
  /** filter[name] → accepted values (OR). */
  filters: Map<string, string[]>;
  exists: Map<string, boolean>;
  after: [string | number, string] | null;
  /** The order a cursor is tied to: the operation and its sort. */
  order: string;
  /** Pairs as received (decoded), for links. */
  pairs: [string, string][];
}

/** A query that asks for nothing: every default. */
export function emptyQuery(): ParsedQuery {
  return {
    fields: new Map(),
    include: new Set(),
    limit: DEFAULT_PAGE_SIZE,
    relationLimits: new Map(),
    sort: [],
    filters: new Map(),
    exists: new Map(),
    after: null,
    order: '',
    pairs: [],
  };
}

export function parseQuery(operation: Operation, search: string): ParsedQuery {
  const parsed = emptyQuery();
  const problems: AscError[] = [];
  const seen = new Set<string>();
  const pageable = operation.parameters.has('limit');
  let cursor: string | undefined;

  for (const [name, value] of new URLSearchParams(search)) {
    parsed.pairs.push([name, value]);
    try {
      if (seen.has(name)) {
        throw parameterInvalid(
          name,
          `The parameter '${name}' is given more than once; give it once, ` +
            'with a comma-separated list.',
        );
      }
      seen.add(name);
      // PostgreSQL cannot compare text holding NUL, and no value of any parameter has one.
      if (value.includes('\u0000')) {
        throw parameterInvalid(name, `The value of '${name}' contains a NUL character.`);
      }

      if (name === 'cursor' && pageable) {
        // Checked once sort is known, wherever it stands in the query.
        cursor = value;
        continue;
      }
      const rule = operation.parameters.get(name);
      if (!rule) throw parameterIllegal(name);
      apply(parsed, rule, value);
    } catch (error) {
      if (!(error instanceof AscError)) throw error;
      problems.push(error);
    }
  }

  parsed.order = `${operation.method} ${operation.path} ${parsed.sort.join(',')}`;
  if (cursor !== undefined) {
    parsed.after = decodeCursor(cursor, parsed.order);
    if (!parsed.after) {
      problems.push(
        parameterInvalid(
          'cursor',
          `'${cursor}' is not a cursor of this list in this order; a cursor works only with ` +
            'the parameters of the page that gave it (use its links.next URL as it is). ' +
            'Start again from the first page, without cursor.',
        ),
      );
    }
  }

  for (const rule of operation.parameters.values()) {
    if (rule.required && !seen.has(rule.name)) {
      problems.push(parameterInvalid(rule.name, `The parameter '${rule.name}' is required.`));
    }
  }
  if (problems.length > 0) {
    const [first, ...rest] = problems;
    first!.others.push(...rest);
    throw first!;
  }
  return parsed;
}

function apply(parsed: ParsedQuery, rule: ParameterRule, raw: string): void {
  const name = rule.name;
  if (rule.integer) {
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    const max = rule.maximum ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(n) || n < 1 || n > max) {
      throw parameterInvalid(
        name,
        `'${raw}' is not a valid value for '${name}'; give a whole number from 1 to ${max}.`,
      );
    }
    if (name === 'limit') parsed.limit = n;
    else parsed.relationLimits.set(bracketed(name), n);
    return;
  }

  const values = rule.list ? raw.split(',') : [raw];
  if (values.some((v) => v === '')) {
    throw parameterInvalid(
      name,
      `The parameter '${name}' has an empty value; remove it or give at least one value.`,
    );
  }
  if (rule.values) {
    const bad = values.find((v) => !rule.values!.includes(v));
    if (bad !== undefined) throw parameterInvalid(name, invalidValueDetail(name, bad, rule.values));
  }

  if (name === 'include') for (const v of values) parsed.include.add(v);
  else if (name === 'sort') {
    const fields = values.map((v) => v.replace(/^-/, ''));
    if (new Set(fields).size !== fields.length) {
      throw parameterInvalid(name, `'${raw}' sorts by the same field twice; give each field once.`);
    }
    parsed.sort = values;
  } else if (name.startsWith('fields[')) parsed.fields.set(bracketed(name), new Set(values));
  else if (name.startsWith('filter[')) parsed.filters.set(bracketed(name), values);
  else if (name.startsWith('exists[')) {
    if (raw !== 'true' && raw !== 'false') {
      throw parameterInvalid(
        name,
        `'${raw}' is not a valid value for '${name}'; give true or false.`,
      );
    }
    parsed.exists.set(bracketed(name), raw === 'true');
  }
}

function bracketed(name: string): string {
  return name.slice(name.indexOf('[') + 1, -1);
}

function invalidValueDetail(name: string, bad: string, allowed: readonly string[]): string {
  const what = name.startsWith('fields[')
    ? 'field name'
    : name === 'include'
      ? 'relationship name to include'
      : name === 'sort'
        ? 'sort field'
        : `value for '${name}'`;
  return `'${bad}' is not a valid ${what}. Allowed: ${allowed.join(', ')}.`;
}
