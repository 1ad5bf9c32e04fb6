/** `npm run db:migrate`: applies db/migrations and seeds an empty catalogue. */
import { openDatabase } from '../db/client.js';
import { seedCatalogue } from '../db/seed.js';
import { loadConfig } from './config.js';

const config = loadConfig();
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
await database.migrate();
const seeded = await seedCatalogue(database.db);
await database.close();
console.log(`migrations applied${seeded ? '; catalogue seeded' : ''} (${database.kind})`);
