import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { transformFile } from '@swc/core';
import { PROJECT_ROOT } from '../support/server-process.js';

const run = promisify(execFile);

/**
 * The core's suites whose expectations depend on which flows are registered, and the tests in them
 * that read those expectations (the rest of each file does not change with a fourth flow, so it is
 * not run twice: CI runs the suite on two Node lines).
 */
const SUITES: Record<string, string[]> = {
  'test/foundation/schema.e2e-spec.ts': ['migrations and entities npm run migration:run', 'migrations and entities npm run migration:revert'],
  'test/foundation/boot-log.e2e-spec.ts': ['the boot log JSON lines'],
  'test/tools/flows.e2e-spec.ts': ['npm run flows against a fake Graph API create → upload', 'npm run flows against a fake Graph API --dry-run'],
  'test/tools/flows-doctor.e2e-spec.ts': ['npm run flows -- doctor passes', 'npm run flows -- doctor reports a chain'],
  'test/meta-flows/admin-flows.e2e-spec.ts': ['GET /admin/flows shows each flow module'],
  'test/flows-core/flow-types.spec.ts': ['typed screens'],
  // Not flow-new.e2e-spec.ts: it compares the list flow:new writes with the project's own list, whatever
  // that holds, and type-checks, lints and tests a whole copy of the project: the most costly file here.
};
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface JestReport {
  numFailedTests: number;
  testResults: Array<{ name: string; status: string; message: string; assertionResults: Array<{ fullName: string; status: string }> }>;
}

/**
 * A team adds a flow module with a table of its own (its entity and migration in its folder), as the
 * docs say: in a copy of the project, flow:new scaffolds "loyalty", the test gives it a table, and the
 * core suites above run there. They must pass: they derive what they expect from the registered modules.
 */
describe('a fourth flow module, with its own migration', () => {
  const copy = mkdtempSync(join(tmpdir(), 'flowgate-added-flow-'));
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
  } as NodeJS.ProcessEnv;
  const flowDir = join(copy, 'src/flows/loyalty');
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(flowDir, file)), { recursive: true });
    writeFileSync(join(flowDir, file), text);
  };

  beforeAll(() => {
    // The built dist/ comes along: only the added files are compiled below.
    for (const entry of [
      'src',
      'test',
      'preview',
      'migrations',
      'scripts',
      'dist',
      'package.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'nest-cli.json',
      'eslint.config.mjs',
    ]) {
      cpSync(join(PROJECT_ROOT, entry), join(copy, entry), { recursive: true });
    }
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('flow:new, a table and a migration: the core suites still pass, and see the fourth flow', async () => {
    await run(process.execPath, ['dist/src/tools/flow-new.js', 'loyalty'], { cwd: copy, env });

    // Its table, newer than every migration so far (a team's migration is the newest).
    const stamp = Date.now();
    write(
      'entities/loyalty-member.entity.ts',
      `import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('loyalty_members')
export class LoyaltyMember {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'integer', default: 0 })
  points: number;
}
`,
    );
    write(
      `migrations/${stamp}-LoyaltyMembers.ts`,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LoyaltyMembers${stamp} implements MigrationInterface {
  name = 'LoyaltyMembers${stamp}';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`CREATE TABLE "loyalty_members" ("id" text PRIMARY KEY, "points" integer NOT NULL DEFAULT 0)\`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`DROP TABLE "loyalty_members"\`);
  }
}
`,
    );
    const moduleFile = join(flowDir, 'loyalty.module.ts');
    const scaffolded = readFileSync(moduleFile, 'utf8');
    expect(scaffolded).toContain('@Module({');
    writeFileSync(
      moduleFile,
      `import { DatabaseModule } from '../../database/index.js';
import { LoyaltyMember } from './entities/loyalty-member.entity.js';
import { LoyaltyMembers${stamp} } from './migrations/${stamp}-LoyaltyMembers.js';
${scaffolded.replace('@Module({', `@Module({\n  imports: [DatabaseModule.forFeature({ entities: [LoyaltyMember], migrations: [LoyaltyMembers${stamp}] })],`)}`,
    );

    // What nest build would add to dist/ for these files (the built CLIs and server load the module from there).
    const sources = ['src/flows/index.ts', ...listFiles(flowDir).map((file) => relative(copy, file))].filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !file.endsWith('.e2e-spec.ts'),
    );
    for (const source of sources) {
      const { code } = await transformFile(join(copy, source), {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          keepClassNames: true,
          target: 'es2022',
        },
        module: { type: 'es6' },
        swcrc: false,
      });
      const out = join(copy, 'dist', source.replace(/\.ts$/, '.js'));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, code);
    }
    copyFileSync(join(flowDir, 'loyalty.flow.json'), join(copy, 'dist/src/flows/loyalty/loyalty.flow.json'));

    const names = Object.values(SUITES).flat();
    const report = join(copy, 'report.json');
    await run(
      process.execPath,
      [
        '--experimental-vm-modules',
        'node_modules/jest/bin/jest.js',
        ...Object.keys(SUITES),
        '--ci',
        '--json',
        `--outputFile=${report}`,
        '--testNamePattern',
        `^(${names.map(escape).join('|')})`,
      ],
      { cwd: copy, env, maxBuffer: 64 * 1024 * 1024 },
    ).catch(() => undefined); // the report says what failed
    const results = JSON.parse(readFileSync(report, 'utf8')) as JestReport;
    const failures = results.testResults.filter((file) => file.status === 'failed').map((file) => `${file.name}\n${file.message}`);
    expect(failures).toEqual([]);
    expect(results.numFailedTests).toBe(0);
    const passed = results.testResults.flatMap((file) =>
      file.assertionResults.filter((test) => test.status === 'passed').map((test) => test.fullName),
    );
    // Every selected test ran and passed, and the fourth flow was among those checked.
    for (const name of names) expect([name, passed.some((test) => test.startsWith(name))]).toEqual([name, true]);
    expect(passed).toContain('typed screens loyalty: the committed flow-types file is what flow:types generates');
  }, 600_000);
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
