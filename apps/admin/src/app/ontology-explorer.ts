/**
 * The object explorer's view in the URL: the type, one property filter, the sort and the page
 * (a cursor), so a filtered table can be shared and survives a reload; and the query the API
 * receives for it.
 */
import { FILTER_OPERATORS, type ObjectFilter, type ObjectQuery } from '../api/ontology-objects';
import type { ObjectType } from '../api/ontology-schema';
import { parseTypedValue } from './ontology-properties';
import type { FilterSpec, FilterValues } from './url-filters';

export type ExplorerKey = 'type' | 'property' | 'op' | 'value' | 'sort' | 'dir' | 'page' | 'limit';

/** The operators of the filter form: the API's, plus "is not empty" (sent as `not isNull`). */
export const EXPLORER_OPERATORS = [...FILTER_OPERATORS, 'isNotNull'] as const;
export type ExplorerOperator = (typeof EXPLORER_OPERATORS)[number];

export const PAGE_SIZES = ['25', '50', '100'] as const;

export const EXPLORER_FILTERS: FilterSpec<ExplorerKey> = {
  defaults: { type: '', property: '', op: 'eq', value: '', sort: '', dir: 'asc', page: '1', limit: '25' },
  allowed: { op: EXPLORER_OPERATORS, dir: ['asc', 'desc'], limit: PAGE_SIZES },
};

export const OPERATOR_LABELS: Record<ExplorerOperator, string> = {
  eq: 'equals',
  ne: 'does not equal',
  gt: 'greater than',
  gte: 'at least',
  lt: 'less than',
  lte: 'at most',
  contains: 'contains',
  startsWith: 'starts with',
  in: 'is one of (comma separated)',
  isNull: 'is empty',
  isNotNull: 'is not empty',
};

/** Operators that take no value. */
export const VALUELESS: readonly ExplorerOperator[] = ['isNull', 'isNotNull'];

/** Problems with the filter values against the type, by URL key. */
export function explorerProblems(values: FilterValues<ExplorerKey>, type: ObjectType | undefined): Partial<Record<ExplorerKey, string>> {
  const problems: Partial<Record<ExplorerKey, string>> = {};
  if (!values.property) {
    if (values.value) problems.property = 'Choose the property to filter on.';
    return problems;
  }
  const property = type?.properties.find((candidate) => candidate.apiName === values.property);
  if (type && !property) problems.property = `${type.displayName} has no property ${values.property}.`;
  const op = values.op as ExplorerOperator;
  if (VALUELESS.includes(op)) return problems;
  if (!values.value) {
    problems.value = 'Enter the value to compare with.';
    return problems;
  }
  if (property && op !== 'contains' && op !== 'startsWith') {
    for (const item of op === 'in' ? values.value.split(',') : [values.value]) {
      const parsed = parseTypedValue(item, property.type === 'array' ? (property.itemType ?? 'string') : property.type, { enumValues: property.enumValues });
      if (!parsed.ok) {
        problems.value = parsed.problem;
        break;
      }
    }
  }
  return problems;
}

/** The page number of the view (1 when the URL has none or nonsense). */
export function explorerPage(values: FilterValues<ExplorerKey>): number {
  const page = Number(values.page);
  return Number.isSafeInteger(page) && page >= 1 ? page : 1;
}

/** The query body of the view (the value typed after the property's type; offset paging, so a page number fits in the URL). */
export function explorerQuery(values: FilterValues<ExplorerKey>, type: ObjectType | undefined): ObjectQuery {
  const limit = Number(values.limit) || 25;
  const query: ObjectQuery = { objectType: values.type, limit };
  if (values.property) {
    const op = values.op as ExplorerOperator;
    const property = type?.properties.find((candidate) => candidate.apiName === values.property);
    const typed = (text: string): unknown => {
      if (!property || op === 'contains' || op === 'startsWith') return text;
      const parsed = parseTypedValue(text, property.type === 'array' ? (property.itemType ?? 'string') : property.type, { enumValues: property.enumValues });
      return parsed.ok ? parsed.value : text;
    };
    let filter: ObjectFilter;
    if (op === 'isNotNull') filter = { not: { property: values.property, op: 'isNull' } };
    else if (op === 'isNull') filter = { property: values.property, op };
    else filter = { property: values.property, op, value: op === 'in' ? values.value.split(',').map((item) => typed(item.trim())) : typed(values.value) };
    query.filter = filter;
  }
  if (values.sort) query.sort = [{ property: values.sort, direction: values.dir === 'desc' ? 'desc' : 'asc' }];
  // Always offset paging (the API then answers `nextOffset`), so any page has a number in the URL.
  query.offset = (explorerPage(values) - 1) * limit;
  return query;
}

/** A one-line description of the view, for the table's caption. */
export function explorerCaption(values: FilterValues<ExplorerKey>, type: ObjectType | undefined): string {
  const name = type?.displayName ?? values.type;
  const parts = [`${name} objects`];
  if (values.property) {
    const op = OPERATOR_LABELS[values.op as ExplorerOperator] ?? values.op;
    parts.push(`where ${values.property} ${op}${VALUELESS.includes(values.op as ExplorerOperator) ? '' : ` ${values.value}`}`);
  }
  if (values.sort) parts.push(`sorted by ${values.sort} ${values.dir === 'desc' ? 'descending' : 'ascending'}`);
  parts.push(`page ${explorerPage(values)}`);
  return parts.join(', ');
}

/** The title of an object: its title property, else its primary key value, else its id. */
export function objectTitle(object: { id: string; title?: string; primaryKeyValue?: string; properties?: Record<string, unknown> }, type?: Pick<ObjectType, 'titleProperty'>): string {
  if (object.title) return object.title;
  const titled = type?.titleProperty ? object.properties?.[type.titleProperty] : undefined;
  if (typeof titled === 'string' && titled) return titled;
  if (typeof titled === 'number') return String(titled);
  return object.primaryKeyValue || object.id;
}
