import { eq } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { ownerBindings } from '../../db/schema/index.js';
import { withOwnedCompany, type Viewer } from '../../shared/auth/viewer.js';
import { companyByNumberLoader } from '../company/company.service.js';

/**
 * Completes an OWNER viewer with its company's internal id: from the token's 法人番号, or from the
 * binding made when an unbound owner registered a sole proprietorship. Other viewers pass unchanged.
 */
export async function resolveViewer(ctx: Context, viewer: Viewer): Promise<Viewer> {
  if (viewer.kind !== 'USER' || viewer.role !== 'OWNER' || viewer.companyId !== undefined) return viewer;
  if (viewer.corporateNumber !== undefined) {
    const company = await companyByNumberLoader(ctx).load(viewer.corporateNumber);
    return company ? withOwnedCompany(viewer, { id: String(company.id), corporateNumber: company.corporateNumber }) : viewer;
  }
  const [binding] = await ctx.db.select().from(ownerBindings).where(eq(ownerBindings.sub, viewer.sub)).limit(1);
  return binding ? withOwnedCompany(viewer, { id: String(binding.companyId) }) : viewer;
}
