import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS,
  adminViewer,
  describeViewer,
  hasRole,
  isRole,
  isUnboundOwner,
  ownerViewer,
  roleOf,
  staffViewer,
  supporterViewer,
  toViewerInfo,
  withOwnedCompany,
} from './viewer.js';

describe('viewer helpers', () => {
  it('recognises roles case-sensitively', () => {
    expect(['OWNER', 'SUPPORTER', 'STAFF', 'ADMIN'].every(isRole)).toBe(true);
    expect(isRole('admin')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });

  it('reports the role and checks it', () => {
    expect(roleOf(ANONYMOUS)).toBeNull();
    expect(roleOf(staffViewer('s'))).toBe('STAFF');
    expect(hasRole(ANONYMOUS, 'ADMIN')).toBe(false);
    expect(hasRole(adminViewer('a'), 'STAFF', 'ADMIN')).toBe(true);
    expect(hasRole(supporterViewer('s', 'o'), 'STAFF', 'ADMIN')).toBe(false);
  });

  it('builds the contract Viewer object', () => {
    expect(toViewerInfo(ANONYMOUS)).toEqual({ role: null, companyId: null, organizationId: null });
    expect(toViewerInfo(ownerViewer('o', { companyId: '9', corporateNumber: '1180301018771' }))).toEqual({ role: 'OWNER', companyId: '9', organizationId: null });
    expect(toViewerInfo(ownerViewer('o', { corporateNumber: '1180301018771' }))).toEqual({ role: 'OWNER', companyId: null, organizationId: null });
    expect(toViewerInfo(supporterViewer('s', 'org'))).toEqual({ role: 'SUPPORTER', companyId: null, organizationId: 'org' });
    expect(toViewerInfo(staffViewer('s'))).toEqual({ role: 'STAFF', companyId: null, organizationId: null });
  });

  it('binds an owner to the company the server resolved, leaving other viewers alone', () => {
    const unbound = ownerViewer('new');
    expect(isUnboundOwner(unbound)).toBe(true);
    const bound = withOwnedCompany(unbound, { id: '12', corporateNumber: null });
    expect(bound).toEqual({ kind: 'USER', role: 'OWNER', sub: 'new', companyId: '12' });
    expect(isUnboundOwner(bound)).toBe(false);
    const byNumber = withOwnedCompany(ownerViewer('o', { corporateNumber: '1180301018771' }), { id: '3', corporateNumber: '1180301018771' });
    expect(byNumber).toEqual({ kind: 'USER', role: 'OWNER', sub: 'o', companyId: '3', corporateNumber: '1180301018771' });
    const staff = staffViewer('s');
    expect(withOwnedCompany(staff, { id: '3' })).toBe(staff);
  });

  it('describes viewers for logs', () => {
    expect(describeViewer(ANONYMOUS)).toBe('anonymous');
    expect(describeViewer(ownerViewer('u'))).toBe('OWNER sub=u (unbound)');
    expect(describeViewer(ownerViewer('u', { companyId: '1' }))).toBe('OWNER sub=u company=1');
    expect(describeViewer(supporterViewer('u', 'o'))).toBe('SUPPORTER sub=u org=o');
    expect(describeViewer(adminViewer('a'))).toBe('ADMIN sub=a');
  });

  it('freezes the anonymous viewer', () => {
    expect(Object.isFrozen(ANONYMOUS)).toBe(true);
  });
});
