import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { JSONScalar } from '../../shared/scalars.js';
import { companyByIdLoader } from '../company/company.service.js';
import { Company, type CompanyRow } from '../company/company.type.js';
import { measureByIdLoader } from '../measure/measure.service.js';
import { SupportMeasure, type MeasureRow } from '../measure/measure.type.js';
import { DecideApplicationInput, SaveApplicationInput, StartApplicationInput, SubmitApplicationInput } from './application.input.js';
import * as applicationService from './application.service.js';
import { Application, ApplicationConnection, ApplicationEvent, CheckFlag, type ApplicationRow } from './application.type.js';

@Resolver(() => Application)
export class ApplicationResolver {
  @Query(() => Application, { nullable: true, description: 'An application by id: null when unknown, FORBIDDEN for a viewer without APPLICATIONS access to its company.' })
  application(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<ApplicationRow | null> {
    return applicationService.findApplication(ctx, id);
  }

  @Mutation(() => Application, { description: 'Creates a DRAFT with answers prefilled. Same idempotencyKey and input returns the same application.' })
  startApplication(@Ctx() ctx: Context, @Arg('input', () => StartApplicationInput) input: StartApplicationInput): Promise<ApplicationRow> {
    return applicationService.startApplication(ctx, input);
  }

  @Mutation(() => Application, { description: 'Merges answers into a DRAFT.' })
  saveApplication(@Ctx() ctx: Context, @Arg('input', () => SaveApplicationInput) input: SaveApplicationInput): Promise<ApplicationRow> {
    return applicationService.saveApplication(ctx, input);
  }

  @Mutation(() => Application, { description: "DRAFT -> SUBMITTED after validating required fields; writes submitted answers back to the company's facts (once-only). Idempotent per idempotencyKey." })
  submitApplication(@Ctx() ctx: Context, @Arg('input', () => SubmitApplicationInput) input: SubmitApplicationInput): Promise<ApplicationRow> {
    return applicationService.submitApplication(ctx, input);
  }

  @Mutation(() => Application, { description: 'STAFF: SUBMITTED -> ADOPTED or REJECTED.' })
  decideApplication(@Ctx() ctx: Context, @Arg('input', () => DecideApplicationInput) input: DecideApplicationInput): Promise<ApplicationRow> {
    return applicationService.decideApplication(ctx, input);
  }

  @Mutation(() => Application, { description: 'OWNER (or ADMIN): DRAFT or SUBMITTED -> WITHDRAWN.' })
  withdrawApplication(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('note', () => String, { nullable: true, description: 'reason, recorded with the event' }) note: string | null,
  ): Promise<ApplicationRow> {
    return applicationService.withdrawApplication(ctx, id, note);
  }

  @FieldResolver(() => Company, { description: 'the applying company' })
  async company(@Ctx() ctx: Context, @Root() application: ApplicationRow): Promise<CompanyRow> {
    const company = await companyByIdLoader(ctx).load(application.companyId);
    if (!company) throw new Error(`company ${application.companyId} of application ${application.id} is missing`);
    return company;
  }

  @FieldResolver(() => SupportMeasure, { description: 'the measure applied for' })
  async measure(@Ctx() ctx: Context, @Root() application: ApplicationRow): Promise<MeasureRow> {
    const measure = await measureByIdLoader(ctx).load(application.measureId);
    if (!measure) throw new Error(`measure ${application.measureId} of application ${application.id} is missing`);
    return measure;
  }

  @FieldResolver(() => JSONScalar, { description: 'form field key → answer (confidential: APPLICATIONS)' })
  answers(@Ctx() ctx: Context, @Root() application: ApplicationRow): Promise<Record<string, unknown>> {
    return applicationService.answersFor(ctx, application);
  }

  @FieldResolver(() => [ApplicationEvent], { description: 'every transition, oldest first, starting with the creation of the draft' })
  async history(@Ctx() ctx: Context, @Root() application: ApplicationRow): Promise<ApplicationEvent[]> {
    const events = await applicationService.historyOf(ctx, application);
    return events.map((event) => ({ at: event.at, from: event.fromStatus as ApplicationEvent['from'], to: event.toStatus as ApplicationEvent['to'], actor: event.actor, note: event.note }));
  }

  @FieldResolver(() => [CheckFlag], { description: 'automatic checks (二重受給, みなし大企業, not an SME, ...): stored at submission (and re-checked at decision); for a DRAFT computed live as if it were submitted now' })
  flags(@Ctx() ctx: Context, @Root() application: ApplicationRow): Promise<CheckFlag[]> {
    return applicationService.flagsFor(ctx, application);
  }
}

/** Company.applications, added from this module. */
@Resolver(() => Company)
export class CompanyApplicationsResolver {
  @FieldResolver(() => ApplicationConnection, { description: "the company's applications, newest first (confidential: APPLICATIONS; empty for viewers who may not see them)" })
  applications(
    @Ctx() ctx: Context,
    @Root() company: CompanyRow,
    @Arg('first', () => Int, { nullable: true, description: 'page size, 0..100 (default 20)' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'cursor of the last edge of the previous page' }) after: string | null,
  ) {
    return applicationService.listCompanyApplications(ctx, company, first, after);
  }
}
