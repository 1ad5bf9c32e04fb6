export * from './catalogue.js';
export * from './applications.js';
