/**
 * The rule language (../measure/criteria.ts) compiled to closures, for evaluating thousands of measures per
 * company without allocating: each rule becomes `(facts) => TRUE | FALSE | UNKNOWN`, with exactly the semantics
 * of `evaluateRule` (the spec checks the two agree on random facts for every criterion of the catalogue).
 * Which items are missing is not tracked here; the engine asks `evaluateEligibility` for that, and only for the
 * UNKNOWN measures it actually recommends.
 */
import { KNOWN_ITEMS, leafParts, type CompanyFacts, type ItemName, type ItemType, type KnownItem, type LeafOperator, type LeafRule, type Rule } from '../measure/criteria.js';

export const FALSE = 0;
export const TRUE = 1;
export const UNKNOWN = 2;
/** Three-valued truth as a small integer. */
export type Truth3 = typeof FALSE | typeof TRUE | typeof UNKNOWN;

export type CompiledRule = (facts: CompanyFacts) => Truth3;

type ItemValue = string | number | boolean | readonly string[];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Same as the rule language's readItem: null when missing or of a type no item holds. */
function reader(item: ItemName): (facts: CompanyFacts) => ItemValue | null {
  const isExtension = item.startsWith('ext.');
  const key = isExtension ? item.slice(4) : item;
  const isSme = item === 'smeCategory';
  return (facts) => {
    const raw: unknown = isExtension ? facts.extensions?.[key] : facts[key as KnownItem];
    if (raw === null || raw === undefined) return null;
    if (isSme && raw === 'UNKNOWN') return null;
    switch (typeof raw) {
      case 'number':
        return Number.isFinite(raw) ? raw : null;
      case 'string':
      case 'boolean':
        return raw;
      default:
        if (Array.isArray(raw)) {
          for (const element of raw) if (typeof element !== 'string') return null;
          return raw as readonly string[];
        }
        return null;
    }
  };
}

/** The item type the rule language infers (known items: declared; extension items: from operator and operand). */
function inferredType(item: ItemName, op: LeafOperator, operand: unknown): ItemType {
  if (!item.startsWith('ext.')) return KNOWN_ITEMS[item as KnownItem].type;
  if (op === 'contains') return 'stringArray';
  const sample = Array.isArray(operand) ? operand[0] : operand;
  if (typeof sample === 'number') return 'number';
  if (typeof sample === 'boolean') return 'boolean';
  if (typeof sample === 'string' && ['gt', 'gte', 'lt', 'lte'].includes(op)) return 'date';
  return 'string';
}

function typeMatches(type: ItemType, actual: ItemValue): boolean {
  switch (type) {
    case 'number':
      return typeof actual === 'number';
    case 'boolean':
      return typeof actual === 'boolean';
    case 'stringArray':
      return Array.isArray(actual);
    case 'date':
      return typeof actual === 'string' && isIsoDate(actual.slice(0, 10));
    case 'string':
      return typeof actual === 'string';
  }
}

const truth = (value: boolean): Truth3 => (value ? TRUE : FALSE);

function compileLeaf(rule: LeafRule): CompiledRule {
  const { item, op, operand } = leafParts(rule);
  const read = reader(item);
  const staticType = inferredType(item, op, operand);
  const isExtensionIn = item.startsWith('ext.') && op === 'in';
  const list = Array.isArray(operand) ? (operand as readonly (string | number)[]) : [];
  const set = new Set<string | number>(list);
  const test = (actual: ItemValue, type: ItemType): boolean => {
    const scalar = type === 'date' ? (actual as string).slice(0, 10) : actual;
    switch (op) {
      case 'eq':
        return scalar === operand;
      case 'ne':
        return scalar !== operand;
      case 'gt':
        return (scalar as number | string) > (operand as number | string);
      case 'gte':
        return (scalar as number | string) >= (operand as number | string);
      case 'lt':
        return (scalar as number | string) < (operand as number | string);
      case 'lte':
        return (scalar as number | string) <= (operand as number | string);
      case 'in':
        if (Array.isArray(actual)) {
          for (const element of actual as readonly string[]) if (set.has(element)) return true;
          return false;
        }
        return set.has(scalar as string | number);
      case 'prefixIn':
        for (const prefix of list as readonly string[]) if ((scalar as string).startsWith(prefix)) return true;
        return false;
      case 'contains':
        return (actual as readonly string[]).includes(operand as string);
    }
  };
  return (facts) => {
    const actual = read(facts);
    if (actual === null) return UNKNOWN;
    const type = isExtensionIn && Array.isArray(actual) ? 'stringArray' : staticType;
    if (!typeMatches(type, actual)) return UNKNOWN;
    return truth(test(actual, type));
  };
}

/** Compiles a rule to a closure with evaluateRule's three-valued (Kleene) semantics. */
export function compileRule(rule: Rule): CompiledRule {
  if ('item' in rule) return compileLeaf(rule);
  if ('not' in rule) {
    const inner = compileRule(rule.not);
    return (facts) => {
      const value = inner(facts);
      return value === UNKNOWN ? UNKNOWN : value === TRUE ? FALSE : TRUE;
    };
  }
  const isAll = 'all' in rule;
  const children = (isAll ? rule.all : rule.any).map(compileRule);
  const decisive: Truth3 = isAll ? FALSE : TRUE;
  const otherwise: Truth3 = isAll ? TRUE : FALSE;
  return (facts) => {
    let unknown = false;
    for (const child of children) {
      const value = child(facts);
      if (value === decisive) return decisive;
      if (value === UNKNOWN) unknown = true;
    }
    return unknown ? UNKNOWN : otherwise;
  };
}
