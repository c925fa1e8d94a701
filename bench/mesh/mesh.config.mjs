// GraphQL Mesh composition of the bench's peer: the providers' OpenAPI descriptions turned into
// one supergraph for Hive Gateway. Endpoints come from the environment (the simulators' loopback
// URLs); credentials stay `{env.*}` templates, resolved by the gateway process at request time,
// so the composed file holds none.
import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const here = new URL('.', import.meta.url).pathname;

export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph('Nirvana', {
        source: `${here}openapi/nirvana.yaml`,
        endpoint: process.env.NIRVANA_URL,
        operationHeaders: { Authorization: 'Bearer {env.NIRVANA_KEY}' },
      }),
    },
    {
      sourceHandler: loadOpenAPISubgraph('Zendesk', {
        source: `${here}openapi/zendesk.yaml`,
        endpoint: process.env.ZENDESK_URL,
        operationHeaders: { Authorization: 'Basic {env.ZENDESK_BASIC}' },
      }),
    },
  ],
});
