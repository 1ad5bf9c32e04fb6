/**
 * A database of its own on a PostgreSQL server, migrated and seeded with the catalogue: what the
 * tests, the fuzzer and the benchmarks run against, dropped when they are done.
 */
import pg from 'pg';
import { openDatabase } from './client.js';
import { seedCatalogue } from './seed.js';

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Its size on disk, in bytes. */
  size(): Promise<number>;
  drop(): Promise<void>;
}

/** `serverUrl` names any database of the server (`postgres` by default); `name` must be a plain identifier. */
export async function createScratchDatabase(serverUrl: string, name: string): Promise<ScratchDatabase> {
  const onServer = async <T>(work: (admin: pg.Client) => Promise<T>): Promise<T> => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.end();
    }
  };
  await onServer((admin) => admin.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), dataDir: '' });
  try {
    await database.migrate();
    await seedCatalogue(database.db);
  } finally {
    await database.close();
  }
  return {
    name,
    url: url.toString(),
    size: () => onServer(async (admin) => Number((await admin.query<{ bytes: string }>('select pg_database_size($1) as bytes', [name])).rows[0].bytes)),
    drop: () => onServer((admin) => admin.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
