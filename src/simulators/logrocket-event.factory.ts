import type { SeededRandom } from './seeded-random';
import type { TimestampGroup } from './timestamp-plan';

/** One LogRocket audit log record exactly as the API returns it. */
export interface LogRocketAuditLog {
  /** Display text in UTC without a zone, e.g. `02/02/24 08:48PM`. */
  time: string;
  /** ISO 8601 with microseconds, e.g. `2024-02-02T20:48:40.376852Z`. */
  created_date: string;
  /** An email or a system id such as `system` or `scim-sync`. */
  user: string;
  action: string;
  description: string;
}

/** A stored record with its exact position: microseconds since the epoch, then insertion sequence. */
export interface LogRocketEntry {
  micros: number;
  seq: number;
  wire: LogRocketAuditLog;
}

const PEOPLE = [
  'jane.doe',
  'sam.okafor',
  'priya.raman',
  'lucas.martin',
  'mei.chen',
  'tom.becker',
  'ana.souza',
  'omar.haddad',
  'emma.wilson',
  'kenji.sato',
  'fatima.zahra',
  'noah.klein',
] as const;
const DOMAINS = ['acme-demo.com', 'acme-demo.com', 'acme-demo.com', 'contractor.io'] as const;
const SYSTEM_USERS = ['system', 'scim-sync', 'saml-provisioning'] as const;
const ROLES = ['Member', 'Admin', 'Read-only'] as const;
const SETTINGS = [
  'Changed session retention from 30 to 60 days',
  'Enabled network request sanitization',
  'Disabled IP address capture',
  'Updated allowed domains',
  'Enabled SAML single sign-on',
  'Changed default dashboard',
  'Updated privacy settings: redact text inputs',
] as const;

/** Formats the display `time` field: `MM/DD/YY hh:mmAM` in UTC. */
export function logRocketDisplayTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const hours = d.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCFullYear() % 100)} ${pad(hour12)}:${pad(d.getUTCMinutes())}${hours < 12 ? 'AM' : 'PM'}`;
}

/** Formats epoch microseconds as ISO 8601 with six fractional digits. */
export function logRocketCreatedDate(micros: number): string {
  const ms = Math.floor(micros / 1000);
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros % 1000).padStart(3, '0')}Z`;
}

/** Makes realistic LogRocket audit events from a seeded random source. */
export class LogRocketEventFactory {
  private seq = 0;
  private readonly emails: string[];

  constructor(private readonly random: SeededRandom) {
    this.emails = PEOPLE.map((name, i) => `${name}@${DOMAINS[i % DOMAINS.length] ?? DOMAINS[0]}`);
  }

  /** Expands planned groups (in ms) into entries; some ties share the microsecond, others only the millisecond. */
  fromGroups(groups: readonly TimestampGroup[]): LogRocketEntry[] {
    const entries: LogRocketEntry[] = [];
    for (const group of groups) {
      const base = group.at * 1000;
      const identical = group.kind === 'burst' || group.kind === 'big' || (group.kind === 'pair' && this.random.chance(0.75));
      const shared = base + this.random.int(0, 999);
      const micros: number[] = [];
      for (let i = 0; i < group.size; i += 1) micros.push(identical ? shared : base + this.random.int(0, 999));
      micros.sort((a, b) => a - b);
      for (const m of micros) entries.push(this.make(m));
    }
    return entries;
  }

  /** Makes one entry at exactly `micros`. */
  make(micros: number): LogRocketEntry {
    const seq = this.seq;
    this.seq += 1;
    const ms = Math.floor(micros / 1000);
    const { user, action, description } = this.event();
    return { micros, seq, wire: { time: logRocketDisplayTime(ms), created_date: logRocketCreatedDate(micros), user, action, description } };
  }

  private event(): { user: string; action: string; description: string } {
    const r = this.random;
    if (r.chance(0.1)) {
      const user = r.pick(SYSTEM_USERS);
      const email = r.pick(this.emails);
      return r.weighted<{ user: string; action: string; description: string }>([
        [{ user, action: 'Provisioned user', description: `Provisioned ${email}` }, 3],
        [{ user, action: 'Deprovisioned user', description: `Deprovisioned ${email}` }, 1],
        [{ user: 'system', action: 'Deleted expired sessions', description: `Deleted ${r.int(10, 5000)} sessions past retention` }, 2],
      ]);
    }
    const user = r.pick(this.emails);
    const other = r.pick(this.emails);
    const action = r.weighted([
      ['Viewed session', 55],
      ['Logged in', 9],
      ['Updated settings', 7],
      ['Invited user', 4],
      ['Removed user', 2],
      ['Changed user role', 2],
      ['Created API key', 2],
      ['Deleted API key', 1],
      ['Exported sessions', 3],
      ['Created dashboard', 3],
      ['Updated alert', 3],
      ['Viewed user', 9],
    ] as const);
    switch (action) {
      case 'Viewed session':
        return { user, action, description: `${r.int(1, 6)}-${r.uuid()}/${r.int(0, 3)}` };
      case 'Logged in':
        return { user, action, description: r.pick(['Logged in with Google', 'Logged in with password', 'Logged in with SAML SSO']) };
      case 'Updated settings':
        return { user, action, description: r.pick(SETTINGS) };
      case 'Invited user':
        return { user, action, description: `Invited ${other} as ${r.pick(ROLES)}` };
      case 'Removed user':
        return { user, action, description: `Removed ${other} from the organization` };
      case 'Changed user role':
        return { user, action, description: `Changed role of ${other} from ${r.pick(ROLES)} to ${r.pick(ROLES)}` };
      case 'Created API key':
      case 'Deleted API key':
        return { user, action, description: `API key "${r.pick(['ci-export', 'data-warehouse', 'zapier', 'backend'])}"` };
      case 'Exported sessions':
        return { user, action, description: `Exported ${r.int(5, 500)} sessions to CSV` };
      case 'Created dashboard':
        return {
          user,
          action,
          description: `Dashboard "${r.pick(['Checkout funnel', 'Errors by release', 'Rage clicks', 'Onboarding'])}"`,
        };
      case 'Updated alert':
        return { user, action, description: `Alert "${r.pick(['Error rate > 2%', 'Slow page loads', 'Failed payments'])}"` };
      case 'Viewed user':
        return { user, action, description: `Viewed user ${r.int(10000, 99999)}` };
    }
  }
}
