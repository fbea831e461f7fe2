import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every module's Flow JSON under `root` (src/flows/<module>/<name>.flow.json), sorted. */
export function moduleFlowJsons(root = 'src/flows'): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(root, entry.name))
        .filter((name) => name.endsWith('.flow.json'))
        .map((name) => join(root, entry.name, name)),
    )
    .sort();
}
