import type { ProviderKind, SourceRef } from '../domain/audit-event';
import { encodeGlobalId } from '../domain/global-id';

/** A source as the schema's `Source` type shows it. */
export interface SourceNode {
  readonly id: string;
  readonly name: string;
  readonly provider: ProviderKind;
}

/** The schema's view of a source. */
export function toSourceNode(ref: SourceRef): SourceNode {
  return { id: encodeGlobalId({ type: 'Source', sourceId: ref.id }), name: ref.id, provider: ref.provider };
}
