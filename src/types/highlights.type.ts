import { Field, Int, ObjectType } from 'type-graphql';
import { HighlightsStatus } from './highlights-status.enum';
import { Node } from './node.interface';

/** Galileo's summary of one session. */
@ObjectType('SessionHighlight', { description: "Galileo's summary of one session." })
export class SessionHighlight {
  @Field({ description: "LogRocket's recording id." })
  recordingId!: string;

  @Field(() => Int, { nullable: true, description: 'Number of the session within the recording, when LogRocket gives it.' })
  sessionId!: number | null;

  @Field({ description: 'Markdown, with links to moments of the session.' })
  summary!: string;

  @Field(() => String, { nullable: true, description: "The session's replay page in LogRocket." })
  url!: string | null;
}

/** A Galileo highlights request and, once READY, its result. */
@ObjectType('Highlights', {
  implements: Node,
  description:
    "Galileo AI highlights of a user's latest sessions (up to 10, by default from the last 30 days). Generation takes minutes: ask again while PENDING.",
})
export class Highlights extends Node {
  @Field({ description: "LogRocket's request id." })
  requestId!: string;

  @Field(() => HighlightsStatus)
  status!: HighlightsStatus;

  @Field(() => String, { nullable: true, description: 'Markdown across all sessions, when READY.' })
  summary!: string | null;

  @Field(() => [SessionHighlight], { description: 'Per-session highlights, when READY; empty otherwise.' })
  sessions!: SessionHighlight[];
}
