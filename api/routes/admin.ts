/**
 * The administration page at /admin: the catalogue, the organisation, the calendar and the change log
 * for centre administrators, as plain browser modules (web/admin/), no build step. It signs in as the
 * workstation does and shares its modules (session, requests, elements, language).
 */
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

const pageRoot = path.resolve(import.meta.dirname, '../../web/admin');

export const adminRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, {
    root: pageRoot,
    prefix: '/admin/',
    index: ['index.html'],
    // The README's screenshots live beside the page but are no part of it.
    allowedPath: (pathName) => !pathName.startsWith('/screenshots/'),
  });
  app.get('/admin', { schema: { hide: true }, config: { access: 'public' } }, (_request, reply) => reply.sendFile('index.html', pageRoot));
};
