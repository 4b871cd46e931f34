import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { Connection } from '../../shared/pagination.js';
import { DateTimeScalar, YenScalar } from '../../shared/scalars.js';
import { SupportRecord } from '../company/company.type.js';
import { industryOf } from '../company/industry.js';
import { Industry } from '../company/company.type.js';
import { MeasureFilter } from './measure.input.js';
import * as measureService from './measure.service.js';
import {
  CriterionType, Eligibility, FormField, MeasureRound, SupportMeasure, type MeasureRow,
} from './measure.type.js';

/** A page of measures (Relay). */
export const SupportMeasureConnection = Connection(SupportMeasure, 'SupportMeasure');

@Resolver(() => SupportMeasure)
export class MeasureResolver {
  @Query(() => SupportMeasure, { nullable: true, description: 'A support measure by id; null when unknown.' })
  measure(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<MeasureRow | null> {
    return measureService.findMeasure(ctx, id);
  }

  @Query(() => SupportMeasureConnection, { description: 'Support measures matching a filter, ordered by id, with Relay cursors.' })
  measures(
    @Ctx() ctx: Context,
    @Arg('filter', () => MeasureFilter, { nullable: true }) filter: MeasureFilter | null,
    @Arg('first', () => Int, { nullable: true, description: 'page size, 0..100 (default 20)' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'cursor of the last edge of the previous page' }) after: string | null,
  ) {
    return measureService.listMeasures(ctx, filter, first, after);
  }

  @Query(() => Eligibility, { description: 'Every eligibility check of one measure against one company (confidential: needs PROFILE access to the company).' })
  eligibility(
    @Ctx() ctx: Context,
    @Arg('corporateNumber', () => String) corporateNumber: string,
    @Arg('measureId', () => ID) measureId: string,
  ) {
    return measureService.eligibilityFor(ctx, corporateNumber, measureId);
  }

  @FieldResolver(() => YenScalar, { nullable: true, description: 'upper limit in yen: the current (or next, or last) round\'s cap, else the measure\'s' })
  async maxAmountYen(@Ctx() ctx: Context, @Root() measure: MeasureRow): Promise<number | null> {
    return measureService.measureTermsAt(measure, await measureService.roundsOf(ctx, measure), ctx.now).maxAmountYen;
  }

  @FieldResolver(() => String, { nullable: true, description: 'subsidy rate or benefit as free text (e.g. "2/3", "1/2以内"): the current round\'s, else the measure\'s' })
  async subsidyRate(@Ctx() ctx: Context, @Root() measure: MeasureRow): Promise<string | null> {
    return measureService.measureTermsAt(measure, await measureService.roundsOf(ctx, measure), ctx.now).subsidyRate;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true, description: 'start of the current round, else the next, else the last; null for always-open measures' })
  async acceptingFrom(@Ctx() ctx: Context, @Root() measure: MeasureRow): Promise<Date | null> {
    return measureService.measureTermsAt(measure, await measureService.roundsOf(ctx, measure), ctx.now).round?.acceptingFrom ?? null;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true, description: 'end (inclusive) of the current round, else the next, else the last; null for always-open measures' })
  async acceptingUntil(@Ctx() ctx: Context, @Root() measure: MeasureRow): Promise<Date | null> {
    return measureService.measureTermsAt(measure, await measureService.roundsOf(ctx, measure), ctx.now).round?.acceptingUntil ?? null;
  }

  @FieldResolver(() => Boolean, { description: 'whether the measure accepts applications at an instant (default: now): always-open, or inside a round' })
  isOpen(
    @Ctx() ctx: Context,
    @Root() measure: MeasureRow,
    @Arg('at', () => DateTimeScalar, { nullable: true, description: 'the instant (default: now)' }) at: Date | null,
  ): Promise<boolean> {
    return measureService.isMeasureOpenAt(ctx, measure, at ?? ctx.now);
  }

  @FieldResolver(() => Boolean, { description: 'true for measures that accept applications at any time (共済, loans, consulting …)' })
  alwaysOpen(@Root() measure: MeasureRow): boolean {
    return measure.alwaysOpen;
  }

  @FieldResolver(() => [Industry], { description: 'JSIC industries the measure is for; empty means every industry' })
  industries(@Root() measure: MeasureRow): Industry[] {
    return measure.industries.map((code) => industryOf(code)!).filter(Boolean);
  }

  @FieldResolver(() => [CriterionType], { description: 'eligibility (hard) and fit (soft) criteria, in order' })
  criteria(@Root() measure: MeasureRow): CriterionType[] {
    return measureService.criteriaOf(measure).map((criterion) => ({
      id: criterion.id, description: criterion.description, hard: criterion.hard, weight: criterion.weight ?? null, rule: criterion.rule,
    }));
  }

  @FieldResolver(() => [FormField], { description: 'the application form' })
  formFields(@Root() measure: MeasureRow): FormField[] {
    return measureService.formFieldsOf(measure).map((field) => ({
      key: field.key, label: field.label, required: field.required, type: field.type, options: field.options ? [...field.options] : null, multiple: field.multiple ?? false,
    }));
  }

  @FieldResolver(() => [MeasureRound], { description: 'every application round (公募回) or validity window, oldest first, with its status now' })
  async rounds(@Ctx() ctx: Context, @Root() measure: MeasureRow): Promise<MeasureRound[]> {
    return (await measureService.roundsOf(ctx, measure)).map((round) => measureService.roundWithStatus(round, ctx.now));
  }

  @FieldResolver(() => MeasureRound, { nullable: true, description: 'the round acceptingFrom/Until describe: the open one, else the next, else the last' })
  async currentRound(@Ctx() ctx: Context, @Root() measure: MeasureRow): Promise<MeasureRound | null> {
    const { round } = measureService.measureTermsAt(measure, await measureService.roundsOf(ctx, measure), ctx.now);
    return round ? measureService.roundWithStatus(round, ctx.now) : null;
  }

  @FieldResolver(() => [SupportMeasure], { description: 'measures this one opens up or makes cheaper (e.g. a certification unlocking a tax measure)' })
  async unlocks(@Ctx() ctx: Context, @Root() measure: MeasureRow): Promise<MeasureRow[]> {
    const found = await measureService.measureByIdLoader(ctx).loadMany(measure.unlocks);
    return found.filter((m): m is MeasureRow => m !== null && !(m instanceof Error));
  }

  @FieldResolver(() => String, { nullable: true, description: 'longer description as sanitised HTML (basic text, list, table and link tags only)' })
  detailHtml(@Root() measure: MeasureRow): string | null {
    return measureService.safeDetailHtml(measure);
  }
}

@Resolver(() => SupportRecord)
export class SupportRecordMeasureResolver {
  @FieldResolver(() => SupportMeasure, { nullable: true, description: 'the measure of the catalogue this support was received under, when known' })
  measure(@Ctx() ctx: Context, @Root() record: SupportRecord): Promise<MeasureRow | null> | null {
    return record.measureId ? measureService.findMeasure(ctx, record.measureId) : null;
  }
}
