import { Ctx, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { toViewerInfo } from '../../shared/auth/viewer.js';
import { Role } from '../../shared/enums.js';

@ObjectType('Viewer', { description: 'Who the request is made as.' })
export class ViewerInfo {
  @Field(() => Role, { nullable: true, description: 'role of the token; null when anonymous' })
  role!: Role | null;

  @Field(() => ID, { nullable: true, description: 'internal id of the company an OWNER acts for' })
  companyId!: string | null;

  @Field(() => ID, { nullable: true, description: 'organisation a SUPPORTER acts for' })
  organizationId!: string | null;
}

@Resolver()
export class ViewerResolver {
  @Query(() => ViewerInfo, { name: 'viewer', nullable: true, description: 'The viewer of this request (role null when anonymous).' })
  viewer(@Ctx() ctx: Context): ViewerInfo {
    return toViewerInfo(ctx.viewer) as ViewerInfo;
  }
}
