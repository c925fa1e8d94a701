import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AllSimulators } from '../src/simulators/index';

/** The peer's own package: `bench/mesh/` (its lock pins the versions that run on Node 20). */
export const MESH_DIRECTORY = resolve(__dirname, 'mesh');

/** A running GraphQL Mesh peer: Hive Gateway serving the supergraph composed from the providers' OpenAPI. */
export interface MeshPeer {
  readonly url: string;
  readonly pid: number;
  close(): Promise<void>;
}

const binary = (name: string) => join(MESH_DIRECTORY, 'node_modules', '.bin', name);

/**
 * Installs the peer's package (`npm ci` in `bench/mesh/`) unless it is there already. It is the
 * bench's own dependency, never the gateway's: `npm ci` at the top level does not install it.
 */
export function ensureMeshInstalled(log: (line: string) => void): void {
  if (existsSync(binary('hive-gateway')) && existsSync(binary('mesh-compose'))) return;
  log('mesh peer: npm ci in bench/mesh (first run only)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: MESH_DIRECTORY,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/**
 * Composes the supergraph against the running simulators (endpoints in the composed file,
 * credentials as `{env.*}` templates the gateway process resolves) and starts Hive Gateway on a
 * free loopback port, as `NODE_ENV=production hive-gateway supergraph` with one worker.
 */
export async function startMeshPeer(sims: Omit<AllSimulators, 'close'>, log: (line: string) => void): Promise<MeshPeer> {
  ensureMeshInstalled(log);
  const workdir = mkdtempSync(join(tmpdir(), 'auditgraph-mesh-'));
  const supergraph = join(workdir, 'supergraph.graphql');
  execFileSync(process.execPath, [binary('mesh-compose'), '-c', join(MESH_DIRECTORY, 'mesh.config.mjs'), '-o', supergraph], {
    cwd: MESH_DIRECTORY,
    env: { ...process.env, NIRVANA_URL: sims.nirvana.baseUrl, ZENDESK_URL: sims.zendesk.baseUrl },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const port = await freePort();
  // The working directory holds only the supergraph, so the gateway picks up no config file.
  const child: ChildProcess = spawn(
    process.execPath,
    [binary('hive-gateway'), 'supergraph', supergraph, '--host', '127.0.0.1', '--port', String(port), '--fork', '1'],
    {
      cwd: workdir,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NIRVANA_KEY: sims.nirvana.apiKey,
        ZENDESK_BASIC: Buffer.from(`${sims.zendesk.email}/token:${sims.zendesk.apiToken}`).toString('base64'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // The peer leaves with the bench, however the bench ends.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  try {
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`mesh peer did not start within 30 s:\n${output.slice(-2000)}`)), 30_000);
      const watch = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`Listening on http://127.0.0.1:${port}`)) {
          clearTimeout(timer);
          ready();
        }
      };
      child.stdout!.on('data', watch);
      child.stderr!.on('data', watch);
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`mesh peer exited (${code}):\n${output.slice(-2000)}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    rmSync(workdir, { recursive: true, force: true });
    throw error;
  }
  // Keep reading what it logs, so that a full pipe never blocks it.
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    pid: child.pid ?? -1,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      process.removeListener('exit', killOnExit);
      rmSync(workdir, { recursive: true, force: true });
    },
  };
}
