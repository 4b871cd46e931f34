import { Field, ID, InputType } from 'type-graphql';
import { ApplicationStatus } from '../../shared/enums.js';
import { JSONScalar, YenScalar } from '../../shared/scalars.js';

@InputType({ description: 'Starts an application: the company (by 法人番号 or internal id, exactly one), the measure, and an idempotency key.' })
export class StartApplicationInput {
  @Field(() => String, { nullable: true, description: '法人番号 of the applying company' })
  corporateNumber?: string | null;

  @Field(() => ID, { nullable: true, description: 'internal id of the applying company (sole proprietors have no 法人番号)' })
  companyId?: string | null;

  @Field(() => ID, { description: 'the support measure applied for' })
  measureId!: string;

  @Field({ description: 'client-chosen key (per actor): the same key and input return the same application; the same key with another input is a CONFLICT' })
  idempotencyKey!: string;
}

@InputType({ description: 'Merges answers into a DRAFT.' })
export class SaveApplicationInput {
  @Field(() => ID, { description: 'the application' })
  id!: string;

  @Field(() => JSONScalar, { description: 'a JSON object: form field key → value (null clears an answer); keys not given keep their answers' })
  answers!: unknown;
}

@InputType({ description: 'Submits a DRAFT.' })
export class SubmitApplicationInput {
  @Field(() => ID, { description: 'the application' })
  id!: string;

  @Field({ description: 'client-chosen key: submitting again with the same key returns the application unchanged; another key on a submitted application is a CONFLICT' })
  idempotencyKey!: string;
}

@InputType({ description: 'Staff decision on a SUBMITTED application.' })
export class DecideApplicationInput {
  @Field(() => ID, { description: 'the application' })
  id!: string;

  @Field(() => ApplicationStatus, { description: 'ADOPTED or REJECTED' })
  status!: ApplicationStatus;

  @Field(() => YenScalar, { nullable: true, description: 'amount granted (ADOPTED only), at most the measure\'s maximum for the round' })
  grantedAmountYen?: number | null;

  @Field(() => String, { nullable: true, description: 'reason or remark, recorded with the event' })
  note?: string | null;
}
