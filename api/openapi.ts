/** OpenAPI 3 generated from the routes' zod schemas, browsable at /docs. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'OneWindow API',
        description:
          'One window for a region’s government approvals: submit applications, record intake and department decisions, follow every application’s history.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          staffToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A staff token whose subject is an officer id (`npm run token -- <officer-id>` locally)' },
          integratorKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An integrator key from POST /v1/integrators, shown once' },
        },
      },
      tags: [
        { name: 'applications', description: 'Submission and the read model' },
        { name: 'window', description: 'Decisions recorded at a window' },
        { name: 'attachments', description: 'The applicant’s materials as files (PDF, JPEG, PNG, OFD)' },
        { name: 'catalogue', description: 'Items (事项) and their versions; import and export' },
        { name: 'organisation', description: 'Centres, departments, windows and officers' },
        { name: 'calendar', description: 'Working days, holidays and due dates' },
        { name: 'fees', description: 'Fees (行政事业性收费): assessment, payment notices and payment codes, the payment platform’s signed notifications, refunds, reconciliation' },
        { name: 'ratings', description: 'Ratings of government services (好差评): by the integrator, or on the public page of a notice’s one-time code' },
        {
          name: 'follow-ups',
          description:
            'Follow-ups (督办): every bad rating contacted back and rectified, every complaint (投诉, 有诉必查) accepted, investigated and answered, each within its limit in working days; a limit passed or a substantiated complaint opens an accountability case',
        },
        { name: 'supervision', description: 'Alerts of the electronic supervision (电子监察)' },
        { name: 'operations', description: 'Health and readiness' },
        { name: 'integrators', description: 'API keys of portals and other systems (administrators)' },
        { name: 'identity', description: 'Who the caller is' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
