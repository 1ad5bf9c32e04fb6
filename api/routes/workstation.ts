/**
 * The window workstation (政务服务业务通用软件) at /workstation: plain browser modules served as they
 * are (web/workstation/), no build step. The page reads the JSON API of the same origin.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

const require = createRequire(import.meta.url);
const pageRoot = path.resolve(import.meta.dirname, '../../web/workstation');
/**
 * Noto Sans SC (SIL OFL), for machines without a Chinese font. 8 MB: the style sheet lists it after the
 * usual system fonts and only for CJK code points, so a browser downloads it only when it has none of
 * them, and then once a year at most (immutable).
 */
const font = require.resolve('@expo-google-fonts/noto-sans-sc/NotoSansSC_400Regular.ttf');

export const workstationRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, {
    root: pageRoot,
    prefix: '/workstation/',
    index: ['index.html'],
    // The README's screenshots live beside the page but are no part of it.
    allowedPath: (pathName) => !pathName.startsWith('/screenshots/'),
  });
  app.get('/workstation', { schema: { hide: true }, config: { access: 'public' } }, (_request, reply) => reply.sendFile('index.html', pageRoot));
  app.get('/workstation/vendor/noto-sans-sc.ttf', { schema: { hide: true }, config: { access: 'public' } }, (_request, reply) =>
    reply.sendFile(path.basename(font), path.dirname(font), { maxAge: '365d', immutable: true }),
  );
};
