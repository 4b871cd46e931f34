import type { Context } from '../../context.js';
import { factsLoader } from '../company/company.service.js';
import { pickCurrent } from './precedence.js';

/** The current value of every data item of a company, chosen by source precedence then recency. */
export async function currentFacts(ctx: Context, companyId: number) {
  return pickCurrent(await factsLoader(ctx).load(companyId));
}
