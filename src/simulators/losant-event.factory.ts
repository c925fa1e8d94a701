import type { SeededRandom } from './seeded-random';

/** Who can act in a Losant organisation. */
export type LosantActorType = 'Application' | 'Device' | 'Flow' | 'User' | 'ApiToken';

/** One Losant audit log record exactly as the API returns it. */
export interface LosantAuditLog {
  id: string;
  auditLogId: string;
  /** ISO 8601 with milliseconds, e.g. `2016-06-13T04:00:00.000Z`. */
  creationDate: string;
  orgId: string;
  primaryTargetId: string;
  primaryTargetType: 'Application' | 'Dashboard' | 'OrgInvite';
  primaryTargetName: string;
  secondaryTargetId?: string;
  secondaryTargetType?: string;
  secondaryTargetName?: string;
  actorId: string;
  actorType: LosantActorType;
  actorName: string;
  requestResource: string;
  requestAction: string;
  requestQueryParams: Record<string, unknown>;
  requestBody: Record<string, unknown>;
  requestPathParams: Record<string, string>;
  responseBody: Record<string, unknown>;
  responseStatus: number;
}

/** A stored record with its creation time in epoch ms and an insertion sequence. */
export interface LosantEntry {
  ms: number;
  seq: number;
  wire: LosantAuditLog;
}

interface Named {
  id: string;
  name: string;
}

/** A Mongo-style ObjectId: 8 hex digits of epoch seconds, then 16 random hex digits. */
export function objectId(random: SeededRandom, ms: number): string {
  return (
    Math.floor(ms / 1000)
      .toString(16)
      .padStart(8, '0')
      .slice(-8) + random.hex(16)
  );
}

/** Makes realistic Losant audit events from a seeded random source. */
export class LosantEventFactory {
  private seq = 0;
  private readonly applications: Named[];
  private readonly dashboards: Named[];
  private readonly devices: Named[];
  private readonly flows: Named[];
  private readonly actors: { type: LosantActorType; id: string; name: string; weight: number }[];

  constructor(
    private readonly random: SeededRandom,
    private readonly orgId: string,
    epochMs: number,
  ) {
    const make = (names: readonly string[]): Named[] =>
      names.map((name) => ({ id: objectId(random, epochMs - random.int(0, 3e10)), name }));
    this.applications = make(['Cold Chain Monitor', 'Smart Building', 'Fleet Tracker', 'Water Quality']);
    this.dashboards = make(['Operations Overview', 'Freezer Alarms', 'Energy Usage', 'Executive KPIs']);
    this.devices = make(['freezer-07', 'gateway-east-1', 'pump-station-3', 'hvac-roof-2', 'tracker-114', 'sensor-lobby']);
    this.flows = make(['Temperature alert', 'Nightly report', 'Device provisioning', 'Command relay']);
    const users = ['ops.lead@acme-demo.com', 'nina.patel@acme-demo.com', 'george.m@acme-demo.com', 'integrations@acme-demo.com'];
    this.actors = [
      ...users.map((name) => ({ type: 'User' as const, id: objectId(random, epochMs - 4e10), name, weight: 6 })),
      { type: 'ApiToken', id: objectId(random, epochMs - 2e10), name: 'CI deploy token', weight: 3 },
      { type: 'ApiToken', id: objectId(random, epochMs - 2e10), name: 'Terraform', weight: 2 },
      { type: 'Application', ...(this.applications[0] as Named), weight: 1 },
      { type: 'Device', ...(this.devices[1] as Named), weight: 1 },
      { type: 'Flow', ...(this.flows[3] as Named), weight: 2 },
    ];
  }

  /** Makes one record created at `ms`. */
  make(ms: number): LosantEntry {
    const r = this.random;
    const seq = this.seq;
    this.seq += 1;
    const actor = r.weighted(this.actors.map((candidate) => [candidate, candidate.weight] as const));
    const id = objectId(r, ms);
    const failed = r.chance(0.06);
    const base = {
      id,
      auditLogId: id,
      creationDate: new Date(ms).toISOString(),
      orgId: this.orgId,
      actorId: actor.id,
      actorType: actor.type,
      actorName: actor.name,
      requestQueryParams: {} as Record<string, unknown>,
    };
    const app = r.pick(this.applications);
    const kind = r.weighted([
      ['device', 30],
      ['flow', 20],
      ['application', 12],
      ['dashboard', 18],
      ['orgInvite', 6],
      ['applicationKey', 8],
    ] as const);
    const status = (success: number): number => (failed ? r.pick([400, 403, 404, 409]) : success);
    const errorBody = (code: number): Record<string, unknown> => ({
      type: code === 404 ? 'NotFound' : 'Validation',
      message: 'Request failed',
    });

    let wire: LosantAuditLog;
    switch (kind) {
      case 'device':
      case 'flow': {
        const target = kind === 'device' ? r.pick(this.devices) : r.pick(this.flows);
        const action = r.weighted(
          kind === 'device'
            ? ([
                ['patch', 5],
                ['delete', 1],
                ['sendCommand', 3],
                ['post', 2],
              ] as const)
            : ([
                ['patch', 5],
                ['delete', 1],
                ['post', 2],
                ['pressVirtualButton', 1],
              ] as const),
        );
        const code = status(action === 'post' ? 201 : 200);
        const creating = action === 'post';
        wire = {
          ...base,
          primaryTargetId: app.id,
          primaryTargetType: 'Application',
          primaryTargetName: app.name,
          secondaryTargetId: target.id,
          secondaryTargetType: kind === 'device' ? 'Device' : 'Flow',
          secondaryTargetName: target.name,
          requestResource: creating ? `${kind}s` : kind,
          requestAction: action,
          requestBody:
            action === 'patch'
              ? { name: target.name, description: 'Updated via API' }
              : action === 'sendCommand'
                ? { name: 'reboot', payload: {} }
                : {},
          requestPathParams: creating ? { applicationId: app.id } : { applicationId: app.id, [`${kind}Id`]: target.id },
          responseBody:
            code >= 400 ? errorBody(code) : action === 'delete' || action === 'sendCommand' ? { success: true } : { id: target.id },
          responseStatus: code,
        };
        break;
      }
      case 'applicationKey':
      case 'application': {
        const action = r.weighted([
          ['patch', 6],
          ['post', 2],
          ['delete', 1],
        ] as const);
        const code = status(action === 'post' ? 201 : 200);
        wire = {
          ...base,
          primaryTargetId: app.id,
          primaryTargetType: 'Application',
          primaryTargetName: app.name,
          ...(kind === 'applicationKey'
            ? { secondaryTargetId: objectId(r, ms), secondaryTargetType: 'ApplicationKey', secondaryTargetName: `key-${r.hex(6)}` }
            : {}),
          requestResource:
            kind === 'applicationKey'
              ? action === 'post'
                ? 'applicationKeys'
                : 'applicationKey'
              : action === 'post'
                ? 'applications'
                : 'application',
          requestAction: action,
          requestBody: action === 'patch' ? { description: 'Settings updated' } : {},
          requestPathParams: { applicationId: app.id },
          responseBody: code >= 400 ? errorBody(code) : action === 'delete' ? { success: true } : { id: app.id },
          responseStatus: code,
        };
        break;
      }
      case 'dashboard': {
        const dashboard = r.pick(this.dashboards);
        const action = r.weighted([
          ['patch', 6],
          ['post', 1],
          ['delete', 1],
        ] as const);
        const code = status(action === 'post' ? 201 : 200);
        wire = {
          ...base,
          primaryTargetId: dashboard.id,
          primaryTargetType: 'Dashboard',
          primaryTargetName: dashboard.name,
          requestResource: action === 'post' ? 'dashboards' : 'dashboard',
          requestAction: action,
          requestBody: action === 'patch' ? { blocks: [] } : {},
          requestPathParams: action === 'post' ? {} : { dashboardId: dashboard.id },
          responseBody: code >= 400 ? errorBody(code) : { id: dashboard.id },
          responseStatus: code,
        };
        break;
      }
      case 'orgInvite': {
        const inviteId = objectId(r, ms);
        const action = r.weighted([
          ['post', 3],
          ['delete', 1],
        ] as const);
        const code = status(action === 'post' ? 201 : 200);
        const invitee = `${r.pick(['sam', 'lee', 'ari', 'jo', 'max'])}.${r.pick(['ito', 'berg', 'nunez', 'park'])}@acme-demo.com`;
        wire = {
          ...base,
          primaryTargetId: inviteId,
          primaryTargetType: 'OrgInvite',
          primaryTargetName: invitee,
          requestResource: action === 'post' ? 'orgInvites' : 'orgInvite',
          requestAction: action,
          requestBody: action === 'post' ? { email: invitee, role: r.pick(['edit', 'view', 'admin']) } : {},
          requestPathParams: action === 'post' ? { orgId: this.orgId } : { orgId: this.orgId, inviteId },
          responseBody: code >= 400 ? errorBody(code) : { id: inviteId },
          responseStatus: code,
        };
        break;
      }
    }
    return { ms, seq, wire };
  }
}
