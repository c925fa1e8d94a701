import { graphql } from 'relay-runtime';

export const timelineQuery = graphql`
  query TimelineQuery($sources: [String!]) {
    ...Timeline_events @arguments(sources: $sources)
  }
`;

export const timelineEvents = graphql`
  fragment Timeline_events on Query
  @argumentDefinitions(
    sources: { type: "[String!]" }
    count: { type: "Int", defaultValue: 25 }
    cursor: { type: "String" }
  )
  @refetchable(queryName: "TimelinePaginationQuery") {
    auditEvents(sources: $sources, first: $count, after: $cursor)
      @connection(key: "Timeline_auditEvents") {
      edges { node { id nativeId occurredAt action actor { name } source { name } ...TimelineRow_event } }
    }
  }
`;

export const timelineRow = graphql`
  fragment TimelineRow_event on AuditEvent @refetchable(queryName: "TimelineRowRefetchQuery") {
    id
    occurredAt
    action
  }
`;
