import { isoSeconds } from './query-values';
import type { SeededRandom } from './seeded-random';

/** Who performed a Nirvana Labs action. */
export interface NirvanaAuditLogActor {
  id: string;
  /** Sometimes `null`, sometimes absent. */
  name?: string | null;
  type: 'user' | 'api_key';
}

/** The resource a Nirvana Labs action touched. */
export interface NirvanaAuditLogTarget {
  id: string;
  type: string;
}

/** One Nirvana Labs audit log record exactly as the API returns it. */
export interface NirvanaAuditLog {
  id: string;
  action: string;
  actor: NirvanaAuditLogActor;
  client_ip: string;
  /** RFC 3339 with second precision, e.g. `2025-01-01T00:00:00Z`. */
  created_at: string;
  method: string;
  path: string;
  status_code: number;
  user_agent: string;
  /** Absent for actions without a resource, `null` when a create failed. */
  target?: NirvanaAuditLogTarget | null;
}

/** A stored record with its creation time in epoch seconds. */
export interface NirvanaEntry {
  seconds: number;
  wire: NirvanaAuditLog;
}

interface ActorProfile {
  actor: NirvanaAuditLogActor;
  ips: readonly string[];
  agents: readonly string[];
  weight: number;
}

interface Template {
  action: string;
  method: string;
  path: string;
  target?: 'vm' | 'volume' | 'vpc' | 'firewall_rule' | 'api_key';
  creates?: boolean;
  weight: number;
}

const TEMPLATES: readonly Template[] = [
  { action: 'vm.created', method: 'POST', path: '/v1/compute/vms', target: 'vm', creates: true, weight: 8 },
  { action: 'vm.updated', method: 'PATCH', path: '/v1/compute/vms/{id}', target: 'vm', weight: 10 },
  { action: 'vm.deleted', method: 'DELETE', path: '/v1/compute/vms/{id}', target: 'vm', weight: 4 },
  { action: 'vm.restarted', method: 'POST', path: '/v1/compute/vms/{id}/restart', target: 'vm', weight: 6 },
  { action: 'vm.listed', method: 'GET', path: '/v1/compute/vms', weight: 8 },
  { action: 'volume.created', method: 'POST', path: '/v1/compute/volumes', target: 'volume', creates: true, weight: 5 },
  { action: 'volume.deleted', method: 'DELETE', path: '/v1/compute/volumes/{id}', target: 'volume', weight: 2 },
  { action: 'vpc.created', method: 'POST', path: '/v1/networking/vpcs', target: 'vpc', creates: true, weight: 2 },
  { action: 'vpc.updated', method: 'PATCH', path: '/v1/networking/vpcs/{id}', target: 'vpc', weight: 3 },
  {
    action: 'firewall_rule.created',
    method: 'POST',
    path: '/v1/networking/vpcs/{vpc}/firewall_rules',
    target: 'firewall_rule',
    creates: true,
    weight: 5,
  },
  {
    action: 'firewall_rule.deleted',
    method: 'DELETE',
    path: '/v1/networking/vpcs/{vpc}/firewall_rules/{id}',
    target: 'firewall_rule',
    weight: 2,
  },
  { action: 'api_key.created', method: 'POST', path: '/v1/api_keys', target: 'api_key', creates: true, weight: 2 },
  { action: 'api_key.deleted', method: 'DELETE', path: '/v1/api_keys/{id}', target: 'api_key', weight: 1 },
];

const BROWSERS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
] as const;

/** Makes realistic Nirvana Labs audit events from a seeded random source. */
export class NirvanaEventFactory {
  private readonly actors: ActorProfile[];
  private readonly pools: Record<NonNullable<Template['target']>, string[]>;

  constructor(private readonly random: SeededRandom) {
    const r = random;
    const pool = (size: number): string[] => Array.from({ length: size }, () => r.uuid());
    this.pools = { vm: pool(10), volume: pool(6), vpc: pool(3), firewall_rule: pool(8), api_key: pool(4) };
    const user = (name: string | undefined, ips: string[]): ActorProfile => ({
      actor: name === undefined ? { id: r.uuid(), type: 'user' } : { id: r.uuid(), name, type: 'user' },
      ips,
      agents: BROWSERS,
      weight: 4,
    });
    this.actors = [
      user('Alice Smith', ['203.0.113.1', '203.0.113.7']),
      user('Bogdan Ionescu', ['198.51.100.23']),
      user('Chen Wei', ['192.0.2.44', '192.0.2.45']),
      user(undefined, ['198.51.100.200']),
      {
        actor: { id: r.uuid(), name: 'terraform-ci', type: 'api_key' },
        ips: ['34.120.10.5', '34.120.10.6'],
        agents: ['terraform-provider-nirvana/1.4.2', 'Terraform/1.8.3 terraform-provider-nirvana/1.4.2'],
        weight: 6,
      },
      {
        actor: { id: r.uuid(), name: null, type: 'api_key' },
        ips: ['52.14.77.201'],
        agents: ['nirvana-go/0.9.1', 'curl/8.5.0'],
        weight: 3,
      },
      {
        actor: { id: r.uuid(), name: 'ops-scripts', type: 'api_key' },
        ips: ['52.14.77.202'],
        agents: ['nirvana-python/0.6.0 python/3.12'],
        weight: 2,
      },
    ];
  }

  /** Makes one record at `seconds`. */
  make(seconds: number): NirvanaEntry {
    const r = this.random;
    const profile = r.weighted(this.actors.map((candidate) => [candidate, candidate.weight] as const));
    const template = r.weighted(TEMPLATES.map((candidate) => [candidate, candidate.weight] as const));
    const failed = r.chance(0.07);
    const status = failed
      ? r.pick([400, 401, 403, 404, 409, 422, 500])
      : template.method === 'POST' && template.creates
        ? r.pick([200, 201])
        : 200;
    let target: NirvanaAuditLogTarget | null | undefined;
    let id: string | undefined;
    if (template.target) {
      const pool = this.pools[template.target];
      if (template.creates) {
        id = r.uuid();
        if (!failed) pool.push(id);
      } else {
        id = r.pick(pool);
      }
      target = template.creates && failed ? null : { id, type: template.target };
    }
    const path = template.path.replace('{id}', id ?? '').replace('{vpc}', r.pick(this.pools.vpc));
    const wire: NirvanaAuditLog = {
      id: r.uuid(),
      action: template.action,
      actor: { ...profile.actor },
      client_ip: r.pick(profile.ips),
      created_at: isoSeconds(seconds * 1000),
      method: template.method,
      path,
      status_code: status,
      user_agent: r.pick(profile.agents),
    };
    if (target !== undefined) wire.target = target;
    return { seconds, wire };
  }
}
