import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_QUERY, type BenchClient, type OverheadSource, type PageVariables } from './bench-setup';
import { summarizeCpuProfile, type ProfileSummary } from './cpu-profile-summary';
import type { GatewayProcess } from './gateway-handle';

/** What the profiled run did and where its profile is. */
export interface ProfileResult {
  readonly file: string;
  readonly pages: number;
  readonly summary: ProfileSummary;
}

/**
 * CPU profile of the gateway process during the overhead case at 0 ms upstream latency: fresh
 * walks of 20- and 100-event pages, alternating, against one gateway of the process. Profiling starts
 * after a warm-up so start-up, compilation and JIT warm-up stay out of it.
 */
export async function runProfile(
  source: OverheadSource,
  pages: number,
  gateways: GatewayProcess,
  gateway: string,
  client: BenchClient,
  directory: string,
  root: string,
  workload: { query: string; variables: readonly PageVariables[] } = {
    query: PAGE_QUERY,
    variables: [20, 100].map((first) => ({ sources: [source], first })),
  },
): Promise<ProfileResult> {
  const url = gateways.urls[gateway]!;
  const { query, variables } = workload;
  for (let i = 0; i < 200; i++) await client.page(url, query, variables[i % variables.length]!);
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `gateway-overhead-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  await gateways.startProfile(250);
  for (let i = 0; i < pages; i++) await client.page(url, query, variables[i % variables.length]!);
  await gateways.stopProfile(file);
  return { file, pages, summary: summarizeCpuProfile(file, root) };
}
