// The one list of built-in destination types, and what the core may know of each: everything
// else about a type is its adapter's own (destinations/<type>.ts, settings in <type>-settings.ts).
// The settings schemas (cli/config-sources.ts), the chunk files (rollup.config.mjs, src/chunks/),
// the container build (cli/) and the size budgets (scripts/size.mjs) all follow this table; it
// imports nothing, so the build scripts read it too (scripts/adapter-types.mjs).

/** What a built-in type declares to the core, which never names it. */
export interface BuiltInType {
  /**
   * true: its own file, dist/acquaint-<type>.js (entry src/chunks/<type>.ts), loaded only when a
   * destination of the type is first allowed, so a page pays only for the tags it uses;
   * false: inside acquaint.js.
   */
  readonly ownFile: boolean;
  /**
   * Paths it only ever sends hashed (Meta's advanced matching): the rules hash them before
   * redaction could blank them, whatever the destination's own `hash` says.
   */
  readonly hashes?: readonly string[];
}

export const BUILT_IN = {
  http: { ownFile: false },
  script: { ownFile: true },
  ga4: { ownFile: true },
  'meta-pixel': { ownFile: true, hashes: ['traits.email', 'traits.phone'] },
} as const satisfies Record<string, BuiltInType>;

/** What a type declares to the relay (contract §9); a table of its own so a page that never checks modes carries none of it. */
export interface ServerSide {
  /** The modes besides `browser`: `server` sends its events to the relay, which speaks the vendor's server API; `both` keeps the tag in the page as well. */
  readonly modes: readonly ('server' | 'both')[];
  /** The settings key naming the relay's environment variable that holds its server API's secret. */
  readonly secretEnv?: string;
}

const SERVER_SIDE: Partial<Record<BuiltInTypeName, ServerSide>> = {
  http: { modes: ['server'] },
  ga4: { modes: ['server'], secretEnv: 'apiSecretEnv' },
  'meta-pixel': { modes: ['server', 'both'], secretEnv: 'accessTokenEnv' },
};
const serverSide = SERVER_SIDE as Readonly<Record<string, ServerSide | undefined>>;

export type BuiltInTypeName = keyof typeof BUILT_IN;

const table: Readonly<Record<string, BuiltInType | undefined>> = BUILT_IN;

/** Every built-in type name. */
export const BUILT_IN_TYPES: readonly string[] = Object.keys(BUILT_IN);
/** The built-in types that are files of their own. */
export const CHUNKED_TYPES: readonly string[] = BUILT_IN_TYPES.filter((type) => table[type]!.ownFile);
/** The paths a destination of this type sends only hashed (none for a type that is not built in). */
export const hashedBy = (type: string): readonly string[] => table[type]?.hashes ?? [];
/** The modes besides `browser` a type has. */
export const modesOf = (type: string): readonly string[] => serverSide[type]?.modes ?? [];
/** The settings key naming the environment variable a type's server API secret is in, if it has one. */
export const secretEnvOf = (type: string): string | undefined => serverSide[type]?.secretEnv;
