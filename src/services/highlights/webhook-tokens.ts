import type { TenantScope } from '../../datasources/source-registry';
import type { CursorCodec } from '../../paging/cursor-codec';

/** Tag of a webhook token's signed binding: no cursor's binding starts like it. */
const WEBHOOK_TOKEN_TAG = 'highlights-webhook/v2';
/** Longest path token looked at; ours are about 200 characters. */
const MAX_WEBHOOK_TOKEN_LENGTH = 1_024;

/** What a valid webhook token grants: pushing the result of one request of one tenant and source. */
export interface HighlightsWebhookGrant {
  readonly tenant: TenantScope;
  readonly sourceId: string;
  /** The request's hook id; a push is accepted only for the request posted with it. */
  readonly hookId: string;
}

/** Options of {@link HighlightsWebhookTokens}. */
export interface HighlightsWebhookTokensOptions {
  /** Signs the tokens: the cursor codec, so tokens follow its key rotation. */
  readonly codec: CursorCodec;
  /** Every configured tenant (a token names its tenant, which must still read the source). */
  readonly tenants: () => readonly TenantScope[];
  /** `server.publicUrl`: without it the gateway has no webhook of its own. */
  readonly publicUrl?: string;
  readonly now: () => number;
}

/**
 * The path tokens of the gateway's highlights webhook: a cursor-codec signature (so they follow
 * `cursorSecret` rotation) over a purpose tag, the tenant, the source, the request's hook id and
 * when the token stops working.
 */
export class HighlightsWebhookTokens {
  constructor(private readonly options: HighlightsWebhookTokensOptions) {}

  /** The path token of the gateway's webhook for one request. */
  token(tenantId: string, sourceId: string, hookId: string, expiresAt: number): string {
    return this.options.codec.encode({ b: JSON.stringify([WEBHOOK_TOKEN_TAG, tenantId, sourceId, hookId, expiresAt]), k: null });
  }

  /** The gateway's webhook URL for one request, when `server.publicUrl` is configured. */
  url(tenantId: string, sourceId: string, hookId: string, expiresAt: number): string | null {
    const base = this.options.publicUrl;
    if (base === undefined) return null;
    const token = this.token(tenantId, sourceId, hookId, expiresAt);
    return `${base.replace(/\/+$/, '')}/webhooks/logrocket/highlights/${encodeURIComponent(sourceId)}/${token}`;
  }

  /**
   * What a token grants for `sourceId`, or null when it is forged, altered, signed with a retired
   * secret, made for another source, expired, or names a tenant that may no longer read the
   * source. The signature is compared in constant time (CursorCodec); the body of the push is not
   * needed for any of this.
   */
  verify(sourceId: string, token: string): HighlightsWebhookGrant | null {
    if (token.length > MAX_WEBHOOK_TOKEN_LENGTH) return null;
    // The codec checks a payload against the binding it is expected to carry; a token's binding
    // is its claim, read here unverified and trusted only once the codec has verified the MAC.
    let claim: unknown;
    try {
      claim = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { b?: unknown }).b;
    } catch {
      return null;
    }
    if (typeof claim !== 'string') return null;
    let fields: unknown;
    try {
      this.options.codec.decode(token, claim);
      fields = JSON.parse(claim);
    } catch {
      return null;
    }
    if (!Array.isArray(fields) || fields.length !== 5) return null;
    const [tag, tenantId, tokenSourceId, hookId, expiresAt] = fields as unknown[];
    if (tag !== WEBHOOK_TOKEN_TAG || tokenSourceId !== sourceId || typeof hookId !== 'string' || typeof expiresAt !== 'number') return null;
    if (expiresAt <= this.options.now()) return null;
    const tenant = this.options.tenants().find((t) => t.id === tenantId);
    if (!tenant || !tenant.sourceIds.has(sourceId)) return null;
    return { tenant, sourceId, hookId };
  }
}
