import { registerEnumType } from 'type-graphql';

/** The contract's enums, registered once. Values are their own names (stored as text in the database). */

export enum Role { OWNER = 'OWNER', SUPPORTER = 'SUPPORTER', STAFF = 'STAFF', ADMIN = 'ADMIN' }

export enum CorporateKind {
  NATIONAL_AGENCY = 'NATIONAL_AGENCY',
  LOCAL_GOVERNMENT = 'LOCAL_GOVERNMENT',
  KABUSHIKI_KAISHA = 'KABUSHIKI_KAISHA',
  YUGEN_KAISHA = 'YUGEN_KAISHA',
  GOMEI_KAISHA = 'GOMEI_KAISHA',
  GOSHI_KAISHA = 'GOSHI_KAISHA',
  GODO_KAISHA = 'GODO_KAISHA',
  OTHER_REGISTERED = 'OTHER_REGISTERED',
  FOREIGN_COMPANY = 'FOREIGN_COMPANY',
  OTHER = 'OTHER',
  SOLE_PROPRIETOR = 'SOLE_PROPRIETOR',
}

export enum SmeCategory { SMALL = 'SMALL', MEDIUM = 'MEDIUM', LARGE = 'LARGE', NOT_APPLICABLE = 'NOT_APPLICABLE', UNKNOWN = 'UNKNOWN' }

export enum MeasureKind {
  SUBSIDY = 'SUBSIDY', LOAN = 'LOAN', MUTUAL_AID = 'MUTUAL_AID', TAX = 'TAX', CERTIFICATION = 'CERTIFICATION',
  CONSULTING = 'CONSULTING', TRAINING = 'TRAINING', FUND = 'FUND', GUARANTEE = 'GUARANTEE', OTHER = 'OTHER',
}

export enum ApplicationStatus { DRAFT = 'DRAFT', SUBMITTED = 'SUBMITTED', ADOPTED = 'ADOPTED', REJECTED = 'REJECTED', WITHDRAWN = 'WITHDRAWN' }

export enum EligibilityVerdict { ELIGIBLE = 'ELIGIBLE', INELIGIBLE = 'INELIGIBLE', UNKNOWN = 'UNKNOWN' }

export enum ConsentScope { PROFILE = 'PROFILE', FINANCIALS = 'FINANCIALS', APPLICATIONS = 'APPLICATIONS' }

export enum EbpmDimension {
  MEASURE = 'MEASURE', FISCAL_YEAR = 'FISCAL_YEAR', PREFECTURE = 'PREFECTURE', INDUSTRY = 'INDUSTRY',
  SME_CATEGORY = 'SME_CATEGORY', STATUS = 'STATUS',
}

export enum ScorecardColor { BLUE = 'BLUE', GREEN = 'GREEN', YELLOW = 'YELLOW', ORANGE = 'ORANGE', RED = 'RED' }

registerEnumType(Role, { name: 'Role', description: 'Role of an authenticated viewer.' });
registerEnumType(CorporateKind, {
  name: 'CorporateKind',
  description: '法人種別 (NTA kind codes 101..499) plus sole proprietors, who have no corporate number.',
});
registerEnumType(SmeCategory, {
  name: 'SmeCategory',
  description: 'Classification under 中小企業基本法 and the 政令 special rows.',
  valuesConfig: {
    SMALL: { description: '小規模企業者' },
    MEDIUM: { description: '中小企業者 that is not 小規模' },
    LARGE: { description: "Not an SME by the Act's thresholds" },
    NOT_APPLICABLE: { description: 'Public bodies and other entities the Act does not cover' },
    UNKNOWN: { description: 'Not enough data to decide (missing industry, capital or employees)' },
  },
});
registerEnumType(MeasureKind, { name: 'MeasureKind', description: 'Kind of support measure.' });
registerEnumType(ApplicationStatus, { name: 'ApplicationStatus', description: 'Lifecycle state of an application.' });
registerEnumType(EligibilityVerdict, { name: 'EligibilityVerdict', description: 'Outcome of the hard eligibility criteria.' });
registerEnumType(ConsentScope, {
  name: 'ConsentScope',
  description: 'What a consent lets a support organisation see.',
  valuesConfig: {
    PROFILE: { description: 'confidential profile facts (employees, contacts, facts with provenance)' },
    FINANCIALS: { description: 'financial statements and the local benchmark' },
    APPLICATIONS: { description: 'applications and their answers' },
  },
});
registerEnumType(EbpmDimension, { name: 'EbpmDimension', description: 'A dimension EBPM statistics can be grouped by.' });
registerEnumType(ScorecardColor, { name: 'ScorecardColor', description: 'Progress band of the online-usage scorecard.' });
