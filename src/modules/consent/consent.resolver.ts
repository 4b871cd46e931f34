import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { Company, type CompanyRow } from '../company/company.type.js';
import { AuditLogFilter, GrantConsentInput, RequestAccessInput } from './consent.input.js';
import * as consentService from './consent.service.js';
import {
  AccessRequest, AccessRequestConnection, AuditEntry, AuditEntryConnection, Consent, ConsentConnection, ConsentState,
  type AccessRequestRow, type AuditRow, type ConsentRow,
} from './consent.type.js';

const FIRST = { nullable: true, description: 'page size, 0..100 (default 20)' } as const;
const AFTER = { nullable: true, description: 'cursor of the last edge of the previous page' } as const;

@Resolver(() => AccessRequest)
export class AccessRequestResolver {
  @Mutation(() => AccessRequest, { description: 'SUPPORTER: asks a company for access to some confidential scopes, saying why (status PENDING; one PENDING request per organisation and company).' })
  requestAccess(@Ctx() ctx: Context, @Arg('input', () => RequestAccessInput) input: RequestAccessInput): Promise<AccessRequestRow> {
    return consentService.requestAccess(ctx, input);
  }

  @Mutation(() => AccessRequest, { description: "OWNER (or ADMIN): declines a PENDING access request of the company (status DECLINED); CONFLICT when it is not PENDING." })
  declineAccessRequest(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<AccessRequestRow> {
    return consentService.declineAccessRequest(ctx, id);
  }

  @Query(() => AccessRequestConnection, { description: "Access requests, newest first: a SUPPORTER sees its organisation's, an OWNER its company's, ADMIN all (FORBIDDEN for others)." })
  accessRequests(
    @Ctx() ctx: Context,
    @Arg('status', () => String, { nullable: true, description: 'only requests in this status: PENDING, GRANTED or DECLINED' }) status: string | null,
    @Arg('first', () => Int, FIRST) first: number | null,
    @Arg('after', () => String, AFTER) after: string | null,
  ) {
    return consentService.listAccessRequests(ctx, status, first, after);
  }

  @FieldResolver(() => Company, { description: 'the company asked' })
  company(@Ctx() ctx: Context, @Root() request: AccessRequestRow): Promise<CompanyRow> {
    return consentService.companyOf(ctx, request);
  }

  @FieldResolver(() => Consent, { nullable: true, description: 'the consent that answered it; null unless GRANTED' })
  consent(@Ctx() ctx: Context, @Root() request: AccessRequestRow): Promise<ConsentRow | null> {
    return consentService.consentAnswering(ctx, request);
  }
}

@Resolver(() => Consent)
export class ConsentResolver {
  @Mutation(() => Consent, { description: "OWNER (or ADMIN): grants consent to an organisation for some scopes until an expiry date (today to 3 years ahead, Asia/Tokyo), optionally answering its PENDING request (which becomes GRANTED; the scopes may be a subset of the requested ones)." })
  grantConsent(@Ctx() ctx: Context, @Arg('input', () => GrantConsentInput) input: GrantConsentInput): Promise<ConsentRow> {
    return consentService.grantConsent(ctx, input);
  }

  @Mutation(() => Consent, { description: 'OWNER (or ADMIN): revokes a consent; access ends at once. CONFLICT when it was already revoked.' })
  revokeConsent(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<ConsentRow> {
    return consentService.revokeConsent(ctx, id);
  }

  @Query(() => ConsentConnection, { description: "Consents, newest first: a SUPPORTER sees those given to its organisation, an OWNER its company's, ADMIN all (FORBIDDEN for others)." })
  consents(
    @Ctx() ctx: Context,
    @Arg('state', () => ConsentState, { nullable: true, description: 'only consents in this state now' }) state: ConsentState | null,
    @Arg('first', () => Int, FIRST) first: number | null,
    @Arg('after', () => String, AFTER) after: string | null,
  ) {
    return consentService.listConsents(ctx, state, first, after);
  }

  @FieldResolver(() => ConsentState, { description: 'whether it gives access now (LIVE), or has EXPIRED or been REVOKED' })
  state(@Ctx() ctx: Context, @Root() consent: ConsentRow): ConsentState {
    return consentService.consentStateOf(ctx, consent);
  }

  @FieldResolver(() => Company, { description: 'the company that gave it' })
  company(@Ctx() ctx: Context, @Root() consent: ConsentRow): Promise<CompanyRow> {
    return consentService.companyOf(ctx, consent);
  }

  @FieldResolver(() => AccessRequest, { nullable: true, description: 'the access request it answered, if any' })
  accessRequest(@Ctx() ctx: Context, @Root() consent: ConsentRow): Promise<AccessRequestRow | null> {
    return consentService.requestAnswered(ctx, consent);
  }
}

@Resolver(() => AuditEntry)
export class AuditLogResolver {
  @Query(() => AuditEntryConnection, { description: "ADMIN: every recorded read of confidential data, newest first (an OWNER reads its company's with Company.auditLog)." })
  auditLog(
    @Ctx() ctx: Context,
    @Arg('filter', () => AuditLogFilter, { nullable: true, description: 'conditions every entry must meet' }) filter: AuditLogFilter | null,
    @Arg('first', () => Int, FIRST) first: number | null,
    @Arg('after', () => String, AFTER) after: string | null,
  ) {
    return consentService.listAuditLog(ctx, filter, first, after);
  }

  @FieldResolver(() => Company, { description: 'the company whose data was read' })
  company(@Ctx() ctx: Context, @Root() entry: AuditRow): Promise<CompanyRow> {
    return consentService.companyOf(ctx, entry);
  }
}

/** The consent-related fields of Company. */
@Resolver(() => Company)
export class CompanyConsentResolver {
  @FieldResolver(() => [Consent], { description: "the company's consents, newest first: all for its owner and ADMIN, those given to the viewer's organisation for a SUPPORTER, none for others" })
  consents(@Ctx() ctx: Context, @Root() company: CompanyRow): Promise<ConsentRow[]> {
    return consentService.consentsOfCompany(ctx, company);
  }

  @FieldResolver(() => [AccessRequest], { description: "access requests to the company, newest first: all for its owner and ADMIN, the viewer organisation's for a SUPPORTER, none for others" })
  accessRequests(@Ctx() ctx: Context, @Root() company: CompanyRow): Promise<AccessRequestRow[]> {
    return consentService.accessRequestsOfCompany(ctx, company);
  }

  @FieldResolver(() => AuditEntryConnection, { nullable: true, description: "who read the company's confidential data (who, role, organisation, scope, operation, when), newest first: its owner and ADMIN only (null with FORBIDDEN otherwise)" })
  auditLog(
    @Ctx() ctx: Context,
    @Root() company: CompanyRow,
    @Arg('first', () => Int, FIRST) first: number | null,
    @Arg('after', () => String, AFTER) after: string | null,
  ) {
    return consentService.auditLogOfCompany(ctx, company, first, after);
  }
}
