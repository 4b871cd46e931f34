import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { Prefill } from './prefill.type.js';
import { prefill } from './prefill.service.js';

/** Query.prefill (confidential: PROFILE). */
@Resolver(() => Prefill)
export class PrefillResolver {
  @Query(() => Prefill, { description: "Once-only: the measure's application form filled from what is already known (confidential: PROFILE)." })
  async prefill(
    @Ctx() ctx: Context,
    @Arg('corporateNumber', () => String) corporateNumber: string,
    @Arg('measureId', () => ID) measureId: string,
  ) {
    return prefill(ctx, corporateNumber, measureId);
  }
}
