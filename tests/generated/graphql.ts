/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Filter of the company list. */
export type CompanyFilter = {
  /** include closed companies (default false) */
  includeClosed?: boolean | null | undefined;
  /** JSIC code prefix: a major division letter (E) or a middle code (E24) */
  industryCode?: string | null | undefined;
  /** any of these kinds */
  kind?: Array<CorporateKind> | null | undefined;
  /** partial match on name or kana */
  name?: string | null | undefined;
  /** JIS X 0401 two-digit prefecture code */
  prefectureCode?: string | null | undefined;
  /** any of these SME categories */
  smeCategory?: Array<SmeCategory> | null | undefined;
};

/** 法人種別 (NTA kind codes 101..499) plus sole proprietors, who have no corporate number. */
export type CorporateKind =
  | 'FOREIGN_COMPANY'
  | 'GODO_KAISHA'
  | 'GOMEI_KAISHA'
  | 'GOSHI_KAISHA'
  | 'KABUSHIKI_KAISHA'
  | 'LOCAL_GOVERNMENT'
  | 'NATIONAL_AGENCY'
  | 'OTHER'
  | 'OTHER_REGISTERED'
  | 'SOLE_PROPRIETOR'
  | 'YUGEN_KAISHA';

/** A 個人事業主 registering a business without a corporate number. */
export type RegisterSoleProprietorInput = {
  /** address within the prefecture */
  address?: string | null | undefined;
  /** 常時使用する従業員数 */
  employees?: number | null | undefined;
  /** 開業日 */
  establishedOn?: string | null | undefined;
  /** JSIC code (E, E24, G391) */
  industryCode?: string | null | undefined;
  /** 屋号 or the owner’s business name */
  name: string;
  /** フリガナ */
  nameKana?: string | null | undefined;
  /** 郵便番号, 7 digits (a hyphen is accepted) */
  postalCode?: string | null | undefined;
  /** JIS X 0401 two-digit prefecture code */
  prefectureCode?: string | null | undefined;
};

/** Classification under 中小企業基本法 and the 政令 special rows. */
export type SmeCategory =
  /** Not an SME by the Act's thresholds */
  | 'LARGE'
  /** 中小企業者 that is not 小規模 */
  | 'MEDIUM'
  /** Public bodies and other entities the Act does not cover */
  | 'NOT_APPLICABLE'
  /** 小規模企業者 */
  | 'SMALL'
  /** Not enough data to decide (missing industry, capital or employees) */
  | 'UNKNOWN';

export type CompanyProfileQueryVariables = Exact<{
  corporateNumber: string;
}>;


export type CompanyProfileQuery = { company: { id: string, corporateNumber: string | null, name: string, kind: CorporateKind, address: string | null, postalCode: string | null, employees: number | null, industry: { code: string, name: string } | null, smeStatus: { category: SmeCategory, deemedLarge: boolean, reasons: Array<string> }, financials: Array<{ fiscalYear: number, netSalesYen: number | null, operatingProfitYen: number | null }> } | null };

export type CompanyListQueryVariables = Exact<{
  filter?: CompanyFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type CompanyListQuery = { companies: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, corporateNumber: string | null, name: string, prefectureCode: string | null, industry: { code: string } | null } }> } };

export type RegisterSoleProprietorMutationVariables = Exact<{
  input: RegisterSoleProprietorInput;
}>;


export type RegisterSoleProprietorMutation = { registerSoleProprietor: { id: string, corporateNumber: string | null, kind: CorporateKind, name: string } };


export const CompanyProfileDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CompanyProfile"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"corporateNumber"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"company"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"corporateNumber"},"value":{"kind":"Variable","name":{"kind":"Name","value":"corporateNumber"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"corporateNumber"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"address"}},{"kind":"Field","name":{"kind":"Name","value":"postalCode"}},{"kind":"Field","name":{"kind":"Name","value":"industry"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"smeStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"deemedLarge"}},{"kind":"Field","name":{"kind":"Name","value":"reasons"}}]}},{"kind":"Field","name":{"kind":"Name","value":"employees"}},{"kind":"Field","name":{"kind":"Name","value":"financials"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fiscalYear"}},{"kind":"Field","name":{"kind":"Name","value":"netSalesYen"}},{"kind":"Field","name":{"kind":"Name","value":"operatingProfitYen"}}]}}]}}]}}]} as unknown as DocumentNode<CompanyProfileQuery, CompanyProfileQueryVariables>;
export const CompanyListDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CompanyList"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CompanyFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"companies"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"corporateNumber"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"prefectureCode"}},{"kind":"Field","name":{"kind":"Name","value":"industry"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CompanyListQuery, CompanyListQueryVariables>;
export const RegisterSoleProprietorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterSoleProprietor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterSoleProprietorInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerSoleProprietor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"corporateNumber"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<RegisterSoleProprietorMutation, RegisterSoleProprietorMutationVariables>;