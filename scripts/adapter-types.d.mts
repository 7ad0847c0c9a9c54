/** The built-in destination types of src/config/destination-types.ts, read by the build scripts. */
export function adapterTypes(): Promise<{ BUILT_IN_TYPES: readonly string[]; CHUNKED_TYPES: readonly string[] }>;
