import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPILED_DIR } from './compile-gateway';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Time spent in one frame or area, ms and share of the busy (non-idle) time. */
export interface ProfileEntry {
  readonly name: string;
  readonly ms: number;
  readonly percent: number;
}

/** The hot spots of a V8 CPU profile. */
export interface ProfileSummary {
  /** Sampled time, idle excluded, ms. */
  readonly busyMs: number;
  /** Frames by self time. */
  readonly topSelf: ProfileEntry[];
  /** Where self time went: `src/<folder>`, a package, Node internals, GC, V8 builtins. */
  readonly byArea: ProfileEntry[];
  /** The project's own functions by inclusive (self + callees) time. */
  readonly ownInclusive: ProfileEntry[];
}

function location(url: string, root: string): string {
  if (url === '') return '';
  if (url.startsWith('node:')) return url;
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  // The bench runs the gateway transpiled file by file: report its files by their project path.
  const compiled = path.indexOf(`/${COMPILED_DIR}/`);
  if (compiled >= 0) return path.slice(compiled + COMPILED_DIR.length + 2);
  const inModules = path.lastIndexOf('node_modules/');
  return inModules >= 0 ? path.slice(inModules) : relative(root, path);
}

function areaOf(name: string, where: string): string {
  if (name.startsWith('(') && where === '') return name;
  if (where === '') return '(V8 builtins)';
  if (where.startsWith('node:')) return 'node: internals';
  if (where.startsWith('node_modules/')) {
    const parts = where.split('/');
    return parts[1]?.startsWith('@') ? `${parts[1]}/${parts[2]}` : (parts[1] ?? where);
  }
  const parts = where.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : where;
}

/**
 * Reads a `.cpuprofile` (from `node --cpu-prof`) and ranks frames by self time, areas by self
 * time, and the project's own functions (under `root`, outside node_modules) by inclusive time.
 */
export function summarizeCpuProfile(file: string, root: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const keyOf = new Map<number, { frame: string; area: string; own: boolean }>();
  for (const node of profile.nodes) {
    const name = node.callFrame.functionName || '(anonymous)';
    const where = location(node.callFrame.url, root);
    const frame = where === '' ? name : `${name} ${where}:${node.callFrame.lineNumber + 1}`;
    keyOf.set(node.id, { frame, area: areaOf(name, where), own: where !== '' && !where.startsWith('node') && !where.startsWith('..') });
  }
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value);
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    const key = keyOf.get(id);
    if (!key || key.frame === '(idle)') return;
    busy += delta;
    add(self, key.frame, delta);
    add(areas, key.area, delta);
    // Each own frame counts once per sample, however often it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = keyOf.get(at);
      if (k?.own && !seen.has(k.frame)) {
        seen.add(k.frame);
        add(inclusive, k.frame, delta);
      }
    }
  });
  const rank = (map: Map<string, number>, n: number): ProfileEntry[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), percent: Math.round((ms / busy) * 1000) / 10 }));
  return { busyMs: Math.round(busy), topSelf: rank(self, top), byArea: rank(areas, top), ownInclusive: rank(inclusive, top) };
}

/** The summary as text for the terminal and the README. */
export function formatProfileSummary(summary: ProfileSummary): string {
  const block = (title: string, entries: ProfileEntry[]) =>
    [title, ...entries.map((e) => `  ${e.percent.toFixed(1).padStart(5)}%  ${String(e.ms).padStart(6)} ms  ${e.name}`)].join('\n');
  return [
    `busy ${summary.busyMs} ms (idle excluded)`,
    block('top frames by self time:', summary.topSelf),
    block('self time by area:', summary.byArea),
    block('own functions by inclusive time:', summary.ownInclusive),
  ].join('\n');
}
