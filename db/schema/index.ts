export * from './organisation.js';
export * from './catalogue.js';
export * from './applications.js';
export * from './calendar.js';
export * from './accountability.js';
export * from './audit.js';
export * from './security.js';
export * from './sessions.js';
