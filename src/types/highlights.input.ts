import { ArgsType, Field, InputType } from 'type-graphql';
import type { ParsedTimestamp } from '../paging/time-key';
import { DateTimeScalar } from './date-time.scalar';

/** Whose sessions Galileo should summarise, and how. */
@InputType('HighlightsInput', { description: 'Whose sessions Galileo should summarise: exactly one of `userEmail` and `userId`.' })
export class HighlightsInput {
  @Field(() => String, { nullable: true, description: 'A LogRocket source; optional when you may read only one.' })
  source?: string | null;

  @Field(() => String, { nullable: true, description: 'Exactly one of `userEmail` and `userId`.' })
  userEmail?: string | null;

  @Field(() => String, { nullable: true, description: 'Exactly one of `userEmail` and `userId`.' })
  userId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only sessions from this time on.' })
  from?: ParsedTimestamp | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only sessions up to this time.' })
  to?: ParsedTimestamp | null;

  @Field(() => String, { nullable: true, description: 'What to look for, in plain words (at most 2000 characters).' })
  question?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Also POST the result here when it is ready: an https URL on port 443, without credentials, whose host resolves to public addresses only (operators may allow more hosts and ports; demo mode also allows loopback, over http too).',
  })
  webhookUrl?: string | null;
}

/** Arguments of `User.highlights`, in the contract's order. */
@ArgsType()
export class UserHighlightsArgs {
  @Field(() => DateTimeScalar, { nullable: true, description: 'Only sessions from this time on.' })
  from?: ParsedTimestamp | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only sessions up to this time.' })
  to?: ParsedTimestamp | null;

  @Field(() => String, { nullable: true, description: 'What to look for, in plain words (at most 2000 characters).' })
  question?: string | null;
}
