import type { NonEmptyArray } from 'type-graphql';
import { CompanyResolver } from './company/company.resolver.js';
import { ViewerResolver } from './viewer/viewer.resolver.js';
import { ApplicationResolver, CompanyApplicationsResolver } from './application/application.resolver.js';
import { AccessRequestResolver, AuditLogResolver, CompanyConsentResolver, ConsentResolver } from './consent/consent.resolver.js';
import { MeasureResolver, SupportRecordMeasureResolver } from './measure/measure.resolver.js';
import { FactsResolver } from './facts/facts.resolver.js';
import { FinancialsResolver } from './financials/financials.resolver.js';
import { PrefillResolver } from './prefill/prefill.resolver.js';
import { EbpmResolver } from './ebpm/ebpm.resolver.js';
import { CompanyRecommendationsResolver, MeasurePushStatResolver, PushedRecommendationResolver, RecommendationResolver } from './recommendation/recommendation.resolver.js';

/** Every resolver class of the API, one line per module. */
export const resolvers: NonEmptyArray<Function> = [
  CompanyResolver,
  ViewerResolver,
  ApplicationResolver, CompanyApplicationsResolver,
  AccessRequestResolver, ConsentResolver, AuditLogResolver, CompanyConsentResolver,
  MeasureResolver,
  SupportRecordMeasureResolver,
  FactsResolver,
  FinancialsResolver,
  PrefillResolver,
  RecommendationResolver, PushedRecommendationResolver, MeasurePushStatResolver, CompanyRecommendationsResolver,
  EbpmResolver,
];
