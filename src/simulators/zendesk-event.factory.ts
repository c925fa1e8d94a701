import { isoSeconds } from './query-values';
import type { SeededRandom } from './seeded-random';

/** The audit actions Zendesk records. */
export type ZendeskAuditAction = 'create' | 'destroy' | 'exported' | 'login' | 'update';

/** One Zendesk audit log record exactly as the API returns it. */
export interface ZendeskAuditLog {
  id: number;
  action: ZendeskAuditAction;
  action_label: string;
  actor_id: number;
  actor_name: string;
  change_description: string;
  /** Second precision, e.g. `2012-03-05T11:32:44Z`. */
  created_at: string;
  /** `null` for actions Zendesk itself performed. */
  ip_address: string | null;
  source_id: number;
  source_label: string;
  source_type: string;
  url: string;
}

/** A stored record with its sort key in epoch seconds. */
export interface ZendeskEntry {
  seconds: number;
  wire: ZendeskAuditLog;
}

const ACTION_LABELS: Record<ZendeskAuditAction, string> = {
  create: 'Created',
  destroy: 'Deleted',
  exported: 'Exported',
  login: 'Signed in',
  update: 'Updated',
};

const AGENTS = [
  { id: 1234, name: 'Sameer Patel', ips: ['209.119.38.228', '209.119.38.231'] },
  { id: 360012, name: 'Laura Jiménez', ips: ['81.2.69.142'] },
  { id: 360019, name: 'Kwame Mensah', ips: ['102.89.34.10', '102.89.34.77'] },
  { id: 360027, name: 'Hannah Schultz', ips: ['93.184.216.34'] },
  { id: 360044, name: 'Ravi Iyer', ips: ['49.36.112.5'] },
  { id: 360051, name: 'Chloé Dubois', ips: ['90.84.10.22'] },
  { id: 360063, name: 'Diego Alvarez', ips: ['186.33.216.4', '186.33.216.9'] },
  { id: 360078, name: 'Yuki Tanaka', ips: ['126.78.90.1'] },
] as const;
const END_USERS = ['John Doe', 'Maria Rossi', 'Ahmed Ali', 'Grace Lee', 'Peter Novak', 'Sofia Lindqvist'] as const;
const ROLES = ['Administrator', 'Agent', 'Light Agent', 'End User'] as const;

interface SourceTemplate {
  type: string;
  labels: readonly string[];
  changes: readonly string[];
}

const SOURCES: readonly SourceTemplate[] = [
  {
    type: 'rule',
    labels: [
      'Trigger: Notify requester of received request',
      'Automation: Close ticket 4 days after status is set to solved',
      'Macro: Downgrade and inform',
      'View: Unassigned tickets',
    ],
    changes: [
      'Conditions: added "Priority is Urgent"',
      'Actions: changed "Status" to "Pending"',
      'Title changed',
      'Position changed from 3 to 1',
    ],
  },
  {
    type: 'ticket_field',
    labels: ['Product area', 'Order number', 'Customer tier'],
    changes: [
      'Visible to end users changed from false to true',
      'Required for agents changed from false to true',
      'Options: added "Billing"',
    ],
  },
  {
    type: 'brand',
    labels: ['Acme', 'Acme Labs'],
    changes: ['Host mapping changed to help.acme-demo.com', 'Logo changed', 'Brand name changed'],
  },
  {
    type: 'account_setting',
    labels: ['Security', 'Tickets', 'Customers'],
    changes: [
      'Password policy changed from Medium to High',
      'Allow ticket reopening changed from true to false',
      'Require sign-in changed from false to true',
    ],
  },
  { type: 'group', labels: ['Support', 'Billing', 'Escalations'], changes: ['Name changed', 'Agent added', 'Agent removed'] },
  {
    type: 'organization',
    labels: ['Globex', 'Initech', 'Umbrella Corp'],
    changes: ['Domains changed', 'Shared tickets changed from false to true', 'Notes changed'],
  },
  { type: 'apitoken', labels: ['Zapier', 'Data warehouse export', 'Slack integration'], changes: ['Token created', 'Token deactivated'] },
  { type: 'ticket_form', labels: ['Default Ticket Form', 'Refund request'], changes: ['Fields changed', 'Conditions changed'] },
];

/** Makes realistic Zendesk audit events from a seeded random source. */
export class ZendeskEventFactory {
  private nextId: number;

  constructor(
    private readonly random: SeededRandom,
    private readonly baseUrl: string,
  ) {
    this.nextId = 498_000 + random.int(0, 400);
  }

  /** Makes one record at `seconds`; ids grow with every call. */
  make(seconds: number): ZendeskEntry {
    const r = this.random;
    const id = this.nextId;
    this.nextId += r.int(1, 40);
    const systemActor = r.chance(0.03);
    const agent = r.pick(AGENTS);
    const actor = systemActor ? { id: -1, name: 'Zendesk' } : { id: agent.id, name: agent.name };
    const action: ZendeskAuditAction = systemActor
      ? r.pick(['update', 'destroy'] as const)
      : r.weighted<ZendeskAuditAction>([
          ['login', 30],
          ['update', 35],
          ['create', 15],
          ['destroy', 10],
          ['exported', 10],
        ]);

    let sourceType: string;
    let sourceId: number;
    let sourceLabel: string;
    let change: string;
    if (action === 'login') {
      sourceType = 'user';
      sourceId = actor.id;
      sourceLabel = actor.name;
      change = `Successful sign-in using ${r.pick(['Zendesk password', 'Google', 'Microsoft', 'SAML'])} from https://demo.zendesk.com/access/login`;
    } else if (action === 'exported') {
      sourceType = 'account';
      sourceId = 1;
      sourceLabel = 'Acme Support';
      change = r.pick(['Full JSON export', 'Ticket CSV export', 'Users XML export']);
    } else if (r.chance(0.3)) {
      sourceType = 'user';
      sourceId = r.int(1_000_000, 9_999_999);
      sourceLabel = r.pick(END_USERS);
      if (action === 'update') change = `Role changed from ${r.pick(ROLES)} to ${r.pick(ROLES)}`;
      else change = action === 'create' ? 'User created' : 'User deleted';
    } else {
      const source = r.pick(SOURCES);
      sourceType = source.type;
      sourceId = r.int(100_000, 99_999_999);
      sourceLabel = r.pick(source.labels);
      if (action === 'update') change = r.pick(source.changes);
      else change = action === 'create' ? 'Created' : 'Deleted';
    }

    return {
      seconds,
      wire: {
        id,
        action,
        action_label: ACTION_LABELS[action],
        actor_id: actor.id,
        actor_name: actor.name,
        change_description: change,
        created_at: isoSeconds(seconds * 1000),
        ip_address: systemActor ? null : r.pick(agent.ips),
        source_id: sourceId,
        source_label: sourceLabel,
        source_type: sourceType,
        url: `${this.baseUrl}/api/v2/audit_logs/${id}.json`,
      },
    };
  }
}
