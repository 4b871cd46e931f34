import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { Connection } from '../../shared/pagination.js';
import { DateScalar } from '../../shared/scalars.js';
import { canRead, guardField, guardList } from '../consent/access.service.js';
import { currentFacts, currentFactValues, withoutHiddenFinancials } from '../facts/facts.service.js';
import { industryOf } from './industry.js';
import { CompanyFilter, RegisterSoleProprietorInput } from './company.input.js';
import * as companyService from './company.service.js';
import {
  Certification, Company, Fact, FiscalYearFinancials, Industry, RegistryChange, SmeStatus, SupportRecord, type CompanyRow,
} from './company.type.js';
import { NTA_PROCESS_LABELS } from '../importers/nta/nta-record.js';

/** A page of companies (Relay). */
export const CompanyConnection = Connection(Company, 'Company');

@Resolver(() => Company)
export class CompanyResolver {
  @Query(() => Company, { nullable: true, description: 'Company by 法人番号. null when unknown. BAD_USER_INPUT when not 13 digits or the check digit is wrong.' })
  company(@Ctx() ctx: Context, @Arg('corporateNumber', () => String) corporateNumber: string): Promise<CompanyRow | null> {
    return companyService.findByCorporateNumber(ctx, corporateNumber);
  }

  @Query(() => Company, { nullable: true, description: 'Company (or sole proprietor) by internal id.' })
  companyById(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<CompanyRow | null> {
    return companyService.findById(ctx, id);
  }

  @Query(() => CompanyConnection, { description: 'Companies matching a filter, in a stable order, with Relay cursors.' })
  companies(
    @Ctx() ctx: Context,
    @Arg('filter', () => CompanyFilter, { nullable: true }) filter: CompanyFilter | null,
    @Arg('first', () => Int, { nullable: true, description: 'page size, 0..100 (default 20)' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'cursor of the last edge of the previous page' }) after: string | null,
  ) {
    return companyService.listCompanies(ctx, filter, first, after);
  }

  @Mutation(() => Company, { description: 'A 個人事業主 registers a business, which has no corporate number (ADMIN, or an OWNER token not yet bound to a company, which becomes bound to it).' })
  registerSoleProprietor(@Ctx() ctx: Context, @Arg('input', () => RegisterSoleProprietorInput) input: RegisterSoleProprietorInput) {
    return companyService.registerSoleProprietor(ctx, input);
  }

  @FieldResolver(() => String, { nullable: true, description: '所在地: prefecture, city and street in one line (or the overseas address)' })
  address(@Root() company: CompanyRow): string | null {
    return companyService.addressOf(company);
  }

  @FieldResolver(() => DateScalar, { nullable: true, description: '登記記録の閉鎖等年月日; null while the company is active' })
  closedOn(@Root() company: CompanyRow): string | null {
    return company.closeDate;
  }

  @FieldResolver(() => Industry, { nullable: true, description: 'industry (JSIC) as known from any source' })
  industry(@Root() company: CompanyRow): Industry | null {
    return industryOf(company.industryCode);
  }

  @FieldResolver(() => Int, { nullable: true, description: '常時使用する従業員数 (confidential)' })
  employees(@Ctx() ctx: Context, @Root() company: CompanyRow): Promise<number | null> {
    return guardField(ctx, company, 'PROFILE', 'Company.employees', async () => company.employees);
  }

  @FieldResolver(() => SmeStatus, { description: 'classification under 中小企業基本法, with the reasons' })
  async smeStatus(@Ctx() ctx: Context, @Root() company: CompanyRow): Promise<SmeStatus> {
    // the category is public (as coarse as gBizINFO's 企業規模); the reasons quote confidential figures
    if (!(await canRead(ctx, company, 'PROFILE', 'Company.smeStatus'))) {
      return {
        category: company.smeCategory as SmeStatus['category'],
        deemedLarge: company.deemedLarge,
        reasons: ['判定理由は従業員数・資本金等の非公開情報を含むため、本人または同意を得た支援機関のみ閲覧できます'],
        missingData: [],
      };
    }
    return companyService.smeStatusOf(company, await currentFactValues(ctx, company));
  }

  @FieldResolver(() => [Certification], { description: '届出・認定 (public as gBizINFO publishes them)' })
  certifications(@Ctx() ctx: Context, @Root() company: CompanyRow) {
    return companyService.certificationsLoader(ctx).load(company.id);
  }

  @FieldResolver(() => [SupportRecord], { description: 'support received (public as gBizINFO publishes it, plus adoptions on this platform)' })
  supportReceived(@Ctx() ctx: Context, @Root() company: CompanyRow) {
    return companyService.supportRecordsLoader(ctx).load(company.id);
  }

  @FieldResolver(() => [FiscalYearFinancials], { description: 'financial statements, newest first (confidential: FINANCIALS)' })
  financials(@Ctx() ctx: Context, @Root() company: CompanyRow) {
    return guardList(ctx, company, 'FINANCIALS', 'Company.financials', () => companyService.financialsLoader(ctx).load(company.id));
  }

  @FieldResolver(() => [Fact], { description: 'every known data item with its current value and provenance (confidential: PROFILE)' })
  facts(@Ctx() ctx: Context, @Root() company: CompanyRow) {
    return guardList(ctx, company, 'PROFILE', 'Company.facts', async () => withoutHiddenFinancials(ctx, company, 'Company.facts', await currentFacts(ctx, company.id)));
  }

  @FieldResolver(() => [Fact], { description: 'every version of every data item, newest first (confidential: PROFILE)' })
  factHistory(@Ctx() ctx: Context, @Root() company: CompanyRow, @Arg('key', () => String, { nullable: true, description: 'only this item' }) key: string | null) {
    return guardList(ctx, company, 'PROFILE', 'Company.factHistory', async () => {
      const all = await companyService.factsLoader(ctx).load(company.id);
      return withoutHiddenFinancials(ctx, company, 'Company.factHistory', key ? all.filter((f) => f.key === key) : all);
    });
  }

  @FieldResolver(() => [RegistryChange], { description: 'every registry state the NTA published, oldest first (public)' })
  async registryHistory(@Ctx() ctx: Context, @Root() company: CompanyRow): Promise<RegistryChange[]> {
    const rows = await companyService.registryHistoryLoader(ctx).load(company.id);
    return rows.map((r) => {
      const rec = r.record as Record<string, string | null>;
      return {
        process: r.process,
        processLabel: (NTA_PROCESS_LABELS as Record<string, string>)[r.process] ?? r.process,
        correct: r.correct,
        latest: r.latest,
        updateDate: r.updateDate,
        changeDate: r.changeDate,
        name: rec.name ?? '',
        address: [rec.prefectureName, rec.cityName, rec.streetNumber].filter(Boolean).join('') || rec.addressOutside || null,
        changeCause: rec.changeCause ?? null,
        source: r.source,
        sourceRef: r.sourceRef,
      };
    });
  }
}
