import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { applicationEvents, applications } from '../../db/schema/index.js';
import { ApplicationStatus } from '../../shared/enums.js';
import { Connection } from '../../shared/pagination.js';
import { DateTimeScalar, YenScalar } from '../../shared/scalars.js';

/** A stored application. */
export type ApplicationRow = typeof applications.$inferSelect;
/** A stored lifecycle event. */
export type ApplicationEventRow = typeof applicationEvents.$inferSelect;

@ObjectType({ description: 'An automatic check that fired on an application (二重受給, みなし大企業, not an SME, closed company, outside the window, ...).' })
export class CheckFlag {
  @Field({ description: 'DOUBLE_RECEIPT | DEEMED_LARGE | NOT_SME | NOT_SMALL | SME_UNDETERMINED | CLOSED_COMPANY | OUTSIDE_WINDOW' })
  code!: string;

  @Field({ description: 'what was found, in Japanese, with the dates, amounts or rule involved' })
  detail!: string;
}

@ObjectType({ description: 'One transition of an application\'s lifecycle (append-only).' })
export class ApplicationEvent {
  @Field(() => DateTimeScalar, { description: 'when the transition happened' })
  at!: Date;

  @Field(() => ApplicationStatus, { nullable: true, description: 'status before; null for the creation of the draft' })
  from!: ApplicationStatus | null;

  @Field(() => ApplicationStatus, { description: 'status after' })
  to!: ApplicationStatus;

  @Field({ description: 'sub of the actor (the token subject of whoever made the transition)' })
  actor!: string;

  @Field(() => String, { nullable: true, description: 'note given with the transition (e.g. the reason of a decision)' })
  note!: string | null;
}

@ObjectType({ description: 'An application of a company for a support measure, with its lifecycle DRAFT → SUBMITTED → ADOPTED | REJECTED, or WITHDRAWN. Confidential (APPLICATIONS scope).' })
export class Application {
  @Field(() => ID, { description: 'internal id' })
  id!: number;

  @Field(() => ApplicationStatus, { description: 'where the application stands' })
  status!: ApplicationStatus;

  @Field(() => YenScalar, { nullable: true, description: 'amount asked for: the answer requestedAmountYen at submission' })
  requestedAmountYen!: number | null;

  @Field(() => YenScalar, { nullable: true, description: 'amount granted on adoption' })
  grantedAmountYen!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'when it was submitted' })
  submittedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'when staff decided (ADOPTED or REJECTED)' })
  decidedAt!: Date | null;

  @Field(() => Int, { description: '年度 (April–March, Asia/Tokyo) of the submission, or of the creation while a draft' })
  fiscalYear!: number;

  @Field(() => String, { nullable: true, description: 'the round (公募回) the application belongs to: the open one at submission, else the nearest; for a draft the open or next one at creation' })
  roundId!: string | null;

  @Field(() => DateTimeScalar, { description: 'when the draft was created' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'when the application last changed' })
  updatedAt!: Date;
}

/** A page of applications (Relay). */
export const ApplicationConnection = Connection(Application, 'Application');
