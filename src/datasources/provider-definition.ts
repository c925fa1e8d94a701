import type { z } from 'zod';
import type { AdapterContext, ProviderAdapter } from './provider-adapter';

/** What every source of a provider is configured with besides the provider's own settings, defaults filled. */
export interface CommonSourceSettings {
  readonly id: string;
  /** No trailing slash. */
  readonly baseUrl: string;
  /** Native page size override, within the provider's `pageSize` limits. */
  readonly pageSize?: number;
}

/** A configured source of the provider `Name` whose own settings are `Shape`. */
export type SourceSettingsOf<Name extends string, Shape extends z.ZodRawShape> = CommonSourceSettings & {
  readonly provider: Name;
} & z.output<z.ZodObject<Shape>>;

/**
 * Everything the rest of the gateway needs to know of a provider, declared in its own folder and
 * registered with one line in `src/datasources/providers.ts`: the config file's keys and checks
 * for its sources, the GraphQL `Provider` value, whose quota its calls spend, and its adapter.
 */
export interface ProviderDefinition<
  Name extends string = string,
  Kind extends string = string,
  Shape extends z.ZodRawShape = z.ZodRawShape,
> {
  /** The `provider` value of a source in the config file, e.g. `zendesk`. */
  readonly name: Name;
  /** The schema's `Provider` enum value, e.g. `ZENDESK`. */
  readonly kind: Kind;
  /** Default API base URL; absent when every account has its own. */
  readonly defaultBaseUrl?: string;
  /** What the config error says when `baseUrl` is missing and there is no default. */
  readonly baseUrlRequired?: string;
  /** Native page sizes the provider accepts, and the one used when a source sets none. */
  readonly pageSize: { readonly min: number; readonly max: number; readonly default: number };
  /** The provider's own source settings (credentials, account ids), as config fields. */
  readonly settings: Shape;
  /** Checks across the provider's settings (e.g. one of two kinds of credentials). */
  readonly checkSettings?: (settings: z.output<z.ZodObject<Shape>>, ctx: z.RefinementCtx) => void;
  /**
   * The settings whose values name whose request quota a source spends, besides the base URL;
   * empty when the quota belongs to the account at `baseUrl` whatever the credentials.
   */
  readonly quotaSettings: readonly (keyof Shape & string)[];
  /** The provider's adapter for one configured source. */
  createAdapter(source: SourceSettingsOf<Name, Shape>, context: AdapterContext): ProviderAdapter;
}

/** Declares a provider, keeping the literal name and the settings' types for the config schema. */
export function defineProvider<const Name extends string, const Kind extends string, Shape extends z.ZodRawShape>(
  definition: ProviderDefinition<Name, Kind, Shape>,
): ProviderDefinition<Name, Kind, Shape> {
  return definition;
}
