import type { NonEmptyArray } from 'type-graphql';
import { CompanyResolver } from './company/company.resolver.js';
import { ViewerResolver } from './viewer/viewer.resolver.js';
import { ApplicationResolver, CompanyApplicationsResolver } from './application/application.resolver.js';
import { MeasureResolver, SupportRecordMeasureResolver } from './measure/measure.resolver.js';
import { CompanyRecommendationsResolver, MeasurePushStatResolver, PushedRecommendationResolver, RecommendationResolver } from './recommendation/recommendation.resolver.js';

/** Every resolver class of the API, one line per module. */
export const resolvers: NonEmptyArray<Function> = [
  CompanyResolver,
  ViewerResolver,
  ApplicationResolver, CompanyApplicationsResolver,
  MeasureResolver,
  SupportRecordMeasureResolver,
  RecommendationResolver, PushedRecommendationResolver, MeasurePushStatResolver, CompanyRecommendationsResolver,
];
