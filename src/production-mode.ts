// Imported first by the entry points, before graphql is loaded: graphql-js reads NODE_ENV once,
// and outside production every failed `instanceof` of its type checks also compares class names
// (about 5% of a page's CPU in the bench profile). Apollo's NODE_ENV-dependent defaults
// (introspection, stack traces, landing page) are all set explicitly in gateway.ts, so this
// changes speed only. An explicit NODE_ENV (jest sets `test`) is kept.
process.env.NODE_ENV ??= 'production';

export {};
