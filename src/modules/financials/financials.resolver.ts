import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { guardField } from '../consent/access.service.js';
import { Company, FiscalYearFinancials, LocalBenchmark, type CompanyRow } from '../company/company.type.js';
import { RecordFinancialsInput } from './financials.input.js';
import { localBenchmarkOf, recordFinancials } from './financials.service.js';

/** Financial statements: recordFinancials and the ローカルベンチマーク of a company. */
@Resolver(() => Company)
export class FinancialsResolver {
  @Mutation(() => FiscalYearFinancials, { description: "OWNER: records (or corrects) one fiscal year's financial statements; the replaced version stays in the facts history (financials.<fiscal year>)." })
  recordFinancials(@Ctx() ctx: Context, @Arg('input', () => RecordFinancialsInput) input: RecordFinancialsInput) {
    return recordFinancials(ctx, input);
  }

  @FieldResolver(() => LocalBenchmark, { nullable: true, description: 'confidential (FINANCIALS): ローカルベンチマーク of one fiscal year (latest when omitted); null when there are no statements for that year' })
  localBenchmark(
    @Ctx() ctx: Context,
    @Root() company: CompanyRow,
    @Arg('fiscalYear', () => Int, { nullable: true, description: 'fiscal year (calendar year of the period end); the latest recorded when omitted' }) fiscalYear: number | null,
  ) {
    return guardField(ctx, company, 'FINANCIALS', 'Company.localBenchmark', () => localBenchmarkOf(ctx, company, fiscalYear));
  }
}
