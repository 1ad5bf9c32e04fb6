/**
 * JSON bodies nested deeper than any request of OneWindow needs are refused before they are parsed:
 * walking a 5,000-level object (the NUL check, the schema) overflows the stack, which was a 500.
 */
import type { FastifyInstance } from 'fastify';
import { invalid } from './errors.js';

/** Far deeper than any application, decision or catalogue item (an item's steps are five levels down). */
export const MAX_JSON_DEPTH = 32;

/** True when arrays and objects in a JSON text nest deeper than `max`; one pass over the text, no recursion. */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
}

/** Fastify's own JSON parser (with its prototype-poisoning checks), behind the depth check: too deep is a 400. */
export function registerJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (jsonTooDeep(text)) return done(invalid('body', `is nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    return parse(request, text, done);
  });
}
