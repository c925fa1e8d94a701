import { registerEnumType } from 'type-graphql';

/** Where a Galileo highlights request stands. */
export enum HighlightsStatus {
  PENDING = 'PENDING',
  READY = 'READY',
  FAILED = 'FAILED',
}

registerEnumType(HighlightsStatus, {
  name: 'HighlightsStatus',
  description: 'Where a Galileo highlights request stands.',
  valuesConfig: {
    PENDING: { description: 'LogRocket is still generating it (usually 1–3 minutes); ask again later.' },
    READY: { description: 'Done: `summary` and `sessions` are filled. LogRocket may call this COMPLETE.' },
    FAILED: { description: 'LogRocket gave up; the next `highlights` ask with the same input posts a new request.' },
  },
});
