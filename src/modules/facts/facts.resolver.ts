import { Arg, Ctx, Field, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { Company } from '../company/company.type.js';
import { DATA_ITEMS, type DataItem, type Freshness } from './data-items.js';
import { UpdateCompanyFactsInput } from './facts.input.js';
import { updateCompanyFacts } from './facts.service.js';

@ObjectType({ description: 'A canonical data item of the once-only registry: what it means, its type and when a stated value goes stale.' })
export class DataItemDefinition {
  @Field({ description: 'canonical key (Fact.key, FactInput.key, FormField.key)' })
  key!: string;
  @Field({ description: 'Japanese label' })
  label!: string;
  @Field({ description: 'string | integer | yen | date | boolean | text | enum | json' })
  type!: string;
  @Field({ description: 'use per 中小企業庁 2018 (seed 003): ONCE_ONLY, RECOMMENDATION or EBPM' })
  category!: string;
  @Field({ description: 'freshness rule, e.g. "MAX_AGE 12 months", "FISCAL_YEAR + 3 months grace", "REGISTRY", "PERMANENT"' })
  freshness!: string;
  @Field(() => [String], { description: 'choices of an enum item (empty otherwise)' })
  enumValues!: string[];
  @Field({ description: 'an enum item that takes several choices' })
  multiple!: boolean;
  @Field({ description: 'an item of the NTA 法人番号 registry (the NTA is authoritative)' })
  registry!: boolean;
  @Field({ description: 'the owner and submitted applications may state it' })
  ownerWritable!: boolean;
  @Field(() => String, { nullable: true, description: 'what the value means, when the label is not enough' })
  note!: string | null;
}

function describeFreshness(rule: Freshness): string {
  switch (rule.kind) {
    case 'MAX_AGE':
      return `MAX_AGE ${rule.months} months`;
    case 'FISCAL_YEAR':
      return `FISCAL_YEAR + ${rule.graceMonths} months grace`;
    default:
      return rule.kind;
  }
}

function definitionOf(item: DataItem): DataItemDefinition {
  return {
    key: item.key, label: item.label, type: item.type, category: item.category, freshness: describeFreshness(item.freshness),
    enumValues: [...(item.enumValues ?? [])], multiple: item.multiple ?? false, registry: item.registry, ownerWritable: item.ownerWritable, note: item.note ?? null,
  };
}

/** Data items: the registry and the owner's statements. */
@Resolver()
export class FactsResolver {
  @Query(() => [DataItemDefinition], { description: 'The canonical data items (public reference data), in registry order.' })
  dataItems(): DataItemDefinition[] {
    return [...DATA_ITEMS.values()].map(definitionOf);
  }

  @Mutation(() => Company, { description: "OWNER (or ADMIN): records data items about the company with source OWNER; each value is validated against its item's type (BAD_USER_INPUT naming the key otherwise)." })
  updateCompanyFacts(@Ctx() ctx: Context, @Arg('input', () => UpdateCompanyFactsInput) input: UpdateCompanyFactsInput) {
    return updateCompanyFacts(ctx, input);
  }
}
