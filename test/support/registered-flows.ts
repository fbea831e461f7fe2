import 'reflect-metadata';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Type } from '@nestjs/common';
import { AppModule } from '../../src/app.module.js';
import { migrationsOf } from '../../src/database/database-feature.js';
import { flowMetadataOf } from '../../src/flows-core/server.js';
import { flowModules } from '../../src/flows/index.js';
import { PROJECT_ROOT } from './server-process.js';

/**
 * What the registered flow modules (src/flows/index.ts) hold, read from their metadata. The core's
 * suites derive their expectations from these, never from a written list of the example flows, so a
 * flow module a team adds keeps them green (test/foundation/added-flow.e2e-spec.ts proves it).
 */
export interface RegisteredFlow {
  /** The flow's name: its endpoint is POST /flows/<name>. */
  name: string;
  /** Its @Flow class. */
  flowClass: Type;
  /** Its Flow JSON, relative to the project (src/flows/<module>/<name>.flow.json). */
  file: string;
}

/** Every @Flow class of the registered modules, in the order the modules are listed. */
export const registeredFlows: RegisteredFlow[] = flowModules.flatMap((module) =>
  ((Reflect.getMetadata('providers', module) as Type[] | undefined) ?? []).flatMap((provider) => {
    const metadata = flowMetadataOf(provider);
    return metadata ? [{ name: metadata.name, flowClass: provider, file: relative(PROJECT_ROOT, fileURLToPath(metadata.flowJson)) }] : [];
  }),
);

/** The flows' names in the order the modules are listed (as the CLIs and the admin API list them). */
export const registeredFlowNames: string[] = registeredFlows.map((flow) => flow.name);

/** The name of the newest migration the application applies (the core's and the modules'). */
export function newestMigrationName(): string {
  const newest = migrationsOf(AppModule.forRoot()).at(-1)!;
  return new newest().name!;
}
