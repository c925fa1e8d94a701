import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import type { ParsedTimestamp } from '../paging/time-key';
import { ConnectionType, EdgeType } from './connection.type';
import { DateTimeScalar } from './date-time.scalar';

/** One finished LogRocket session, exported as a JSON Lines file. */
@ObjectType('SessionExport', { description: 'One finished LogRocket session, exported as a JSON Lines file.' })
export class SessionExport {
  @Field({ description: 'Where to download the JSON Lines file.' })
  url!: string;
}

/** Relay edge of a SessionExport. */
@ObjectType('SessionExportEdge')
export class SessionExportEdge extends EdgeType(SessionExport) {}

/** A page of exported sessions, oldest first. */
@ObjectType('SessionExportConnection', {
  description:
    'A page of exported sessions, oldest first. Forward only; `hasNextPage` turns false once LogRocket has nothing newer, and `endCursor` resumes there later.',
})
export class SessionExportConnection extends ConnectionType(SessionExportEdge) {}

/** Arguments of `sessionExports`, in the contract's order. */
@ArgsType()
export class SessionExportsArgs {
  @Field(() => String, { nullable: true, description: 'A LogRocket source; optional when you may read only one.' })
  source?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Start from sessions exported at or after this time.' })
  since?: ParsedTimestamp | null;

  @Field(() => Int, { nullable: true, description: 'At most this many (default 20, max 100).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'An `endCursor` (or edge cursor) of the same query.' })
  after?: string | null;
}
