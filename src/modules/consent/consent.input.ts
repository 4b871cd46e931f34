import { Field, ID, InputType } from 'type-graphql';
import { ConsentScope, Role } from '../../shared/enums.js';
import { DateScalar, DateTimeScalar } from '../../shared/scalars.js';

@InputType({ description: "A SUPPORTER's request for some confidential scopes of one company (name it by corporateNumber or companyId)." })
export class RequestAccessInput {
  @Field(() => String, { nullable: true, description: '法人番号 of the company (or give companyId)' })
  corporateNumber?: string | null;

  @Field(() => ID, { nullable: true, description: 'internal id of the company (sole proprietors have no 法人番号)' })
  companyId?: string | null;

  @Field(() => [ConsentScope], { description: 'the scopes asked for (at least one)' })
  scopes!: ConsentScope[];

  @Field({ description: 'why the organisation needs the data: not blank, at most 1000 characters' })
  purpose!: string;
}

@InputType({ description: 'A consent the company grants one organisation, optionally answering its access request.' })
export class GrantConsentInput {
  @Field(() => ID, { description: 'the organisation (the SUPPORTER tokens’ org_id); must be the requester’s when answering a request' })
  organizationId!: string;

  @Field(() => [ConsentScope], { description: 'the scopes granted; when answering a request, some or all of the requested ones' })
  scopes!: ConsentScope[];

  @Field(() => DateScalar, { description: 'last day of access: today (Asia/Tokyo) or later, at most 3 years ahead' })
  expiresOn!: string;

  @Field(() => ID, { nullable: true, description: 'the request this answers, if any (it must be PENDING; it becomes GRANTED)' })
  accessRequestId?: string | null;

  @Field(() => String, { nullable: true, description: "法人番号 of the company; an OWNER's own company (or the request's) when omitted" })
  corporateNumber?: string | null;

  @Field(() => ID, { nullable: true, description: "internal id of the company; an OWNER's own company (or the request's) when omitted" })
  companyId?: string | null;
}

@InputType({ description: 'Filter of the platform-wide audit log (ADMIN). Every given condition must hold.' })
export class AuditLogFilter {
  @Field(() => ID, { nullable: true, description: 'reads of this company (internal id)' })
  companyId?: string | null;

  @Field(() => String, { nullable: true, description: 'reads of the company with this 法人番号' })
  corporateNumber?: string | null;

  @Field(() => ID, { nullable: true, description: 'reads by this organisation' })
  organizationId?: string | null;

  @Field(() => String, { nullable: true, description: 'reads by this person (token sub)' })
  actorSub?: string | null;

  @Field(() => Role, { nullable: true, description: 'reads made with this role' })
  actorRole?: Role | null;

  @Field(() => ConsentScope, { nullable: true, description: 'reads of this scope' })
  scope?: ConsentScope | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'reads at or after this instant' })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'reads before this instant' })
  to?: Date | null;
}
