import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { accessRequests, auditLog, consents } from '../../db/schema/index.js';
import { ConsentScope, Role } from '../../shared/enums.js';
import { Connection } from '../../shared/pagination.js';
import { DateScalar, DateTimeScalar } from '../../shared/scalars.js';

export type AccessRequestRow = typeof accessRequests.$inferSelect;
export type ConsentRow = typeof consents.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;

/** Consent.state: whether a consent gives access now. */
export enum ConsentState { LIVE = 'LIVE', EXPIRED = 'EXPIRED', REVOKED = 'REVOKED' }

registerEnumType(ConsentState, {
  name: 'ConsentState',
  description: 'Whether a consent gives access now.',
  valuesConfig: {
    LIVE: { description: 'not revoked, and today (Asia/Tokyo) is on or before its expiresOn day' },
    EXPIRED: { description: 'its expiresOn day has passed' },
    REVOKED: { description: 'the company revoked it: access ended at once' },
  },
});

@ObjectType({ description: "A support organisation's (支援機関) request to see some confidential scopes of a company's data." })
export class AccessRequest {
  @Field(() => ID, { description: 'internal id' })
  id!: number;

  @Field(() => ID, { description: 'the organisation asking (the SUPPORTER token’s org_id)' })
  organizationId!: string;

  @Field(() => [ConsentScope], { description: 'the scopes asked for' })
  scopes!: ConsentScope[];

  @Field({ description: 'why the organisation needs the data, in its own words' })
  purpose!: string;

  @Field({ description: 'PENDING (awaiting the company), GRANTED (a consent answered it) or DECLINED' })
  status!: string;

  @Field({ description: 'sub of the supporter who asked' })
  requestedBy!: string;

  @Field(() => DateTimeScalar, { description: 'when it was asked' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'when it was granted or declined; null while PENDING' })
  respondedAt!: Date | null;

  companyId!: number;
}

@ObjectType({ description: "A company's consent letting one organisation see some confidential scopes until an expiry day (domain.md §8)." })
export class Consent {
  @Field(() => ID, { description: 'internal id (revokeConsent takes it)' })
  id!: number;

  @Field(() => ID, { description: 'the organisation the consent is given to' })
  organizationId!: string;

  @Field(() => [ConsentScope], { description: 'the scopes it covers' })
  scopes!: ConsentScope[];

  @Field(() => DateTimeScalar, { description: 'when it was granted' })
  grantedAt!: Date;

  @Field({ description: 'sub of who granted it (the owner, or an ADMIN)' })
  grantedBy!: string;

  @Field(() => DateScalar, { description: 'last day of access (Asia/Tokyo calendar day, included)' })
  expiresOn!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'when it was revoked; access ended at that instant' })
  revokedAt!: Date | null;

  companyId!: number;
  accessRequestId!: number | null;
}

@ObjectType({ description: 'One read of confidential company data by someone other than its owner (append-only audit log).' })
export class AuditEntry {
  @Field(() => ID, { description: 'internal id' })
  id!: number;

  @Field(() => DateTimeScalar, { description: 'when the data was read (the request time)' })
  at!: Date;

  @Field({ description: 'who read it: the sub of their token' })
  actorSub!: string;

  @Field(() => Role, { description: 'the role they read it as' })
  actorRole!: Role;

  @Field(() => ID, { nullable: true, description: 'the organisation a SUPPORTER read it for' })
  organizationId!: string | null;

  @Field(() => ID, { description: 'internal id of the company whose data was read' })
  companyId!: number;

  @Field(() => ConsentScope, { description: 'the scope of the data read' })
  scope!: ConsentScope;

  @Field({ description: 'what was read, as a GraphQL coordinate, e.g. Company.financials' })
  operation!: string;

  @Field(() => ID, { nullable: true, description: 'the consent that allowed a SUPPORTER’s read' })
  consentId!: number | null;
}

/** A page of access requests (Relay). */
export const AccessRequestConnection = Connection(AccessRequest, 'AccessRequest');
/** A page of consents (Relay). */
export const ConsentConnection = Connection(Consent, 'Consent');
/** A page of audit entries (Relay). */
export const AuditEntryConnection = Connection(AuditEntry, 'AuditEntry');
