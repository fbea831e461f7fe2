import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime + stime of one process (all its threads), in µs; 0 when it is gone. */
function processCpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** `pid` and all its descendants (cluster workers are children of the primary). */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we listed.
    }
  }
  const tree: number[] = [];
  const visit = (id: number) => {
    tree.push(id);
    (children.get(id) ?? []).forEach(visit);
  };
  visit(pid);
  return tree;
}

/** CPU time used so far by a server process and its workers, in µs (from the kernel's accounting). */
export function serverCpuMicros(pid: number): number {
  return processTree(pid).reduce((sum, id) => sum + processCpuMicros(id), 0);
}

export const procAvailable = () => existsSync('/proc/self/stat');

/** Server CPU per answered request, in whole µs (0 when none was answered). */
export const cpuPerRequest = (cpuMicros: number, requests: number): number => (requests ? Math.round(cpuMicros / requests) : 0);
