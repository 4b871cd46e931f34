export * from './company.js';
export * from './measure.js';
export * from './application.js';
export * from './access.js';
export * from './ops.js';
export * from './ebpm.js';
