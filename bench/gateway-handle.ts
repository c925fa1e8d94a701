import { fork, type ChildProcess } from 'node:child_process';
import type { AppConfig } from '../src/config/config.schema';
import type { ChildReply, ChildRequest, GatewaySpec, MemorySample } from './gateway-protocol';

/** Options of {@link startGatewayProcess}. */
export interface GatewayProcessOptions {
  /** The compiled `gateway-process.js` (see `compileGatewayForBench`). */
  readonly entry: string;
  readonly config: AppConfig;
  readonly gateways: readonly GatewaySpec[];
  /** Longest wait for one answer of the process, ms; default 60 000. */
  readonly replyTimeoutMs?: number;
}

/** The parent's handle on a running gateway process. */
export interface GatewayProcess {
  readonly pid: number;
  /** GraphQL URL of each gateway, by spec name. */
  readonly urls: Readonly<Record<string, string>>;
  /** Restarts one gateway on the same port with an empty page cache and counters. */
  restart(name: string): Promise<void>;
  /** Upstream attempts by source id since the last reset. */
  upstream(name: string, reset?: boolean): Promise<Record<string, number>>;
  /** Upstream attempts and the CPU ms of each `/graphql` request since the last reset. */
  counters(name: string, reset?: boolean): Promise<{ upstream: Record<string, number>; cpuMs: number[] }>;
  memory(options?: { gc?: boolean; resetPeak?: boolean }): Promise<MemorySample>;
  /** Starts sampling the gateway process's CPU, every `intervalUs` microseconds. */
  startProfile(intervalUs: number): Promise<void>;
  /** Stops sampling and writes a `.cpuprofile` (Chrome DevTools' format) to `file`. */
  stopProfile(file: string): Promise<void>;
  /** Closes the gateways and waits for the process to exit. */
  close(): Promise<void>;
}

/** Forks the compiled gateway process (with `--expose-gc`) and starts the given gateways in it. */
export async function startGatewayProcess(options: GatewayProcessOptions): Promise<GatewayProcess> {
  const child: ChildProcess = fork(options.entry, [], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const timeoutMs = options.replyTimeoutMs ?? 60_000;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pending = new Map<number, { resolve: (r: ChildReply['result']) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  child.on('message', (reply: ChildReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    clearTimeout(waiter.timer);
    if (reply.error !== undefined) waiter.reject(new Error(`gateway process: ${reply.error}`));
    else waiter.resolve(reply.result);
  });
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`gateway process exited (${code ?? signal})`));
    }
    pending.clear();
  });

  type Body = ChildRequest extends infer R ? (R extends ChildRequest ? Omit<R, 'id'> : never) : never;
  const ask = (body: Body): Promise<ChildReply['result']> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`gateway process did not answer ${body.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      child.send({ ...body, id } as ChildRequest);
    });

  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  let urls: Record<string, string>;
  try {
    urls = (await ask({ type: 'init', config: options.config, gateways: options.gateways }))?.urls ?? {};
  } catch (error) {
    await kill();
    throw error;
  }
  return {
    pid: child.pid ?? -1,
    urls,
    async restart(name) {
      await ask({ type: 'restart', name });
    },
    async upstream(name, reset = false) {
      return (await ask({ type: 'counters', name, reset }))?.upstream ?? {};
    },
    async counters(name, reset = false) {
      const result = await ask({ type: 'counters', name, reset });
      return { upstream: result?.upstream ?? {}, cpuMs: result?.cpuMs ?? [] };
    },
    async memory(memoryOptions = {}) {
      const memory = (await ask({ type: 'memory', ...memoryOptions }))?.memory;
      if (!memory) throw new Error('gateway process sent no memory sample');
      return memory;
    },
    async startProfile(intervalUs) {
      await ask({ type: 'profile-start', intervalUs });
    },
    async stopProfile(file) {
      await ask({ type: 'profile-stop', file });
    },
    async close() {
      try {
        await ask({ type: 'close' });
        // A process that hangs on after closing is killed.
        const timer = setTimeout(() => void kill(), 10_000);
        await exited;
        clearTimeout(timer);
      } catch {
        await kill();
      }
    },
  };
}
