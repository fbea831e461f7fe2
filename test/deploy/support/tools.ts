import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where each tool comes from, for the message of a test that cannot run without it. */
const HOW_TO_GET: Record<string, string> = {
  promtool: "Debian's prometheus package: apt-get install -y prometheus",
  prometheus: "Debian's prometheus package: apt-get install -y prometheus",
  kubectl: 'kubectl with its built-in kustomize (v5): the kubectl package, as .ci/run installs it',
};

/**
 * The path of a command-line tool the deploy tests need, or an error that says how to install it:
 * these tests fail rather than skip when a tool is missing.
 */
export function requireTool(name: keyof typeof HOW_TO_GET | string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) throw new Error(`${name} is not installed; these tests need it (${HOW_TO_GET[name] ?? 'install it'})`);
  return path;
}

/** Runs a tool; resolves with its output and exit code (never rejects on a non-zero exit). */
export async function runTool(
  command: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? failed.message };
  }
}
