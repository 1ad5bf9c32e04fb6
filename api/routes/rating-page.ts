/**
 * The public rating page (好差评) at /rate/<token>, which the QR code of an acceptance or pickup notice
 * opens: a plain page (web/rate/), no sign-in, no build step. Its script and style sheet are under
 * /rate/assets/, apart from the codes' paths.
 */
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

const pageRoot = path.resolve(import.meta.dirname, '../../web/rate');

export const ratingPageRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, { root: pageRoot, prefix: '/rate/assets/', index: false });
  app.get('/rate/:token', { schema: { hide: true }, config: { access: 'public' } }, (_request, reply) =>
    // The code is in the address: a link followed from the page must not carry it away.
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store').sendFile('index.html', pageRoot, { cacheControl: false }),
  );
};
