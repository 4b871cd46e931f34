/**
 * Who is making a request: anonymous, or an authenticated user with exactly one role.
 *
 * The shape is a discriminated union on `kind`, and users on `role`, so that
 * `viewer.kind === 'USER' && viewer.role === 'SUPPORTER'` narrows to a viewer that
 * certainly has an `organizationId`. Tokens are turned into viewers by ./tokens.ts;
 * what a viewer may see is decided by ./policy.ts.
 */

/** The roles a token may carry (contract enum `Role`). */
export type Role = 'OWNER' | 'SUPPORTER' | 'STAFF' | 'ADMIN';

/** Every role, in the contract's order. */
export const ROLES: readonly Role[] = Object.freeze(['OWNER', 'SUPPORTER', 'STAFF', 'ADMIN'] as const);

/** A request without a token. */
export interface AnonymousViewer {
  readonly kind: 'ANONYMOUS';
}

interface UserViewerBase {
  readonly kind: 'USER';
  /** The token's `sub`: a stable identifier of the person (recorded as the actor of application events). */
  readonly sub: string;
}

/**
 * A business owner. Owns the company whose internal id is `companyId` and/or whose 法人番号 is
 * `corporateNumber` (token claims `company_id` / `corporate_number`). Both absent means an owner
 * not yet bound to a company: the contract lets such a token register a 個人事業主
 * (`registerSoleProprietor`); until the server binds it, it owns nothing.
 */
export interface OwnerViewer extends UserViewerBase {
  readonly role: 'OWNER';
  readonly corporateNumber?: string;
  readonly companyId?: string;
}

/** A 支援機関 member acting for the organisation `organizationId` (token claim `org_id`). */
export interface SupporterViewer extends UserViewerBase {
  readonly role: 'SUPPORTER';
  readonly organizationId: string;
}

/** 中小企業庁 / agency policy staff: decides applications, reads EBPM analytics. */
export interface StaffViewer extends UserViewerBase {
  readonly role: 'STAFF';
}

/** Platform administrator. */
export interface AdminViewer extends UserViewerBase {
  readonly role: 'ADMIN';
}

/** Any authenticated viewer. */
export type UserViewer = OwnerViewer | SupporterViewer | StaffViewer | AdminViewer;

/** Anonymous or authenticated viewer. */
export type Viewer = AnonymousViewer | UserViewer;

/** The one anonymous viewer (frozen; compare with `isAnonymous`, not by identity). */
export const ANONYMOUS: AnonymousViewer = Object.freeze({ kind: 'ANONYMOUS' as const });

/** True for a request without a token. */
export function isAnonymous(viewer: Viewer): viewer is AnonymousViewer {
  return viewer.kind === 'ANONYMOUS';
}

/** True for an authenticated viewer. */
export function isUser(viewer: Viewer): viewer is UserViewer {
  return viewer.kind === 'USER';
}

/** True when `value` is one of the contract's roles (case-sensitive). */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The viewer's role, or null when anonymous. */
export function roleOf(viewer: Viewer): Role | null {
  return viewer.kind === 'USER' ? viewer.role : null;
}

/** True when the viewer is authenticated with one of `roles`. */
export function hasRole(viewer: Viewer, ...roles: Role[]): viewer is UserViewer {
  return viewer.kind === 'USER' && roles.includes(viewer.role);
}

/** True for an OWNER viewer. */
export function isOwner(viewer: Viewer): viewer is OwnerViewer {
  return viewer.kind === 'USER' && viewer.role === 'OWNER';
}

/** True for a SUPPORTER viewer. */
export function isSupporter(viewer: Viewer): viewer is SupporterViewer {
  return viewer.kind === 'USER' && viewer.role === 'SUPPORTER';
}

/** True for an OWNER whose token names no company (may only register a sole proprietorship). */
export function isUnboundOwner(viewer: Viewer): viewer is OwnerViewer {
  return isOwner(viewer) && viewer.companyId === undefined && viewer.corporateNumber === undefined;
}

/** Builds an OWNER viewer (tests, CLI, and the server after it resolves a binding). */
export function ownerViewer(sub: string, company: { companyId?: string; corporateNumber?: string } = {}): OwnerViewer {
  return Object.freeze({
    kind: 'USER' as const,
    role: 'OWNER' as const,
    sub,
    ...(company.companyId !== undefined ? { companyId: company.companyId } : {}),
    ...(company.corporateNumber !== undefined ? { corporateNumber: company.corporateNumber } : {}),
  });
}

/** Builds a SUPPORTER viewer for the organisation `organizationId`. */
export function supporterViewer(sub: string, organizationId: string): SupporterViewer {
  return Object.freeze({ kind: 'USER' as const, role: 'SUPPORTER' as const, sub, organizationId });
}

/** Builds a STAFF viewer. */
export function staffViewer(sub: string): StaffViewer {
  return Object.freeze({ kind: 'USER' as const, role: 'STAFF' as const, sub });
}

/** Builds an ADMIN viewer. */
export function adminViewer(sub: string): AdminViewer {
  return Object.freeze({ kind: 'USER' as const, role: 'ADMIN' as const, sub });
}

/**
 * Returns the OWNER viewer completed with the company the server resolved for it (e.g. the internal
 * id behind the token's 法人番号, or the company an unbound owner registered). Other viewers are
 * returned unchanged.
 */
export function withOwnedCompany(
  viewer: Viewer,
  company: { id: string; corporateNumber?: string | null },
): Viewer {
  if (!isOwner(viewer)) return viewer;
  return ownerViewer(viewer.sub, {
    companyId: company.id,
    corporateNumber: company.corporateNumber ?? viewer.corporateNumber,
  });
}

/**
 * The contract's `Viewer` object (`viewer` query): role, companyId, organizationId, each null when
 * not applicable. An OWNER known only by 法人番号 has a null companyId until the server resolves it
 * (see `withOwnedCompany`).
 */
export function toViewerInfo(viewer: Viewer): { role: Role | null; companyId: string | null; organizationId: string | null } {
  if (viewer.kind === 'ANONYMOUS') return { role: null, companyId: null, organizationId: null };
  switch (viewer.role) {
    case 'OWNER':
      return { role: 'OWNER', companyId: viewer.companyId ?? null, organizationId: null };
    case 'SUPPORTER':
      return { role: 'SUPPORTER', companyId: null, organizationId: viewer.organizationId };
    case 'STAFF':
    case 'ADMIN':
      return { role: viewer.role, companyId: null, organizationId: null };
  }
}

/** A short, log-safe description of the viewer, e.g. `SUPPORTER sub=u1 org=o1` (no token material). */
export function describeViewer(viewer: Viewer): string {
  if (viewer.kind === 'ANONYMOUS') return 'anonymous';
  switch (viewer.role) {
    case 'OWNER': {
      const parts = [`OWNER sub=${viewer.sub}`];
      if (viewer.companyId !== undefined) parts.push(`company=${viewer.companyId}`);
      if (viewer.corporateNumber !== undefined) parts.push(`corporateNumber=${viewer.corporateNumber}`);
      if (parts.length === 1) parts.push('(unbound)');
      return parts.join(' ');
    }
    case 'SUPPORTER':
      return `SUPPORTER sub=${viewer.sub} org=${viewer.organizationId}`;
    case 'STAFF':
    case 'ADMIN':
      return `${viewer.role} sub=${viewer.sub}`;
  }
}
