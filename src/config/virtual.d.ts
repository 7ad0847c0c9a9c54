// `virtual:config-schemas` is generated at build time from src/cli/config-sources.ts by
// scripts/config-schemas.mjs. This file is a script (no imports), so the module declaration
// below can name the schema type.

type AcquaintJsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';

/** The subset of JSON Schema that z.toJSONSchema writes for the config, plus our `message`. */
interface AcquaintJsonSchema {
  type?: AcquaintJsonType | readonly AcquaintJsonType[];
  const?: unknown;
  enum?: readonly unknown[];
  properties?: Record<string, AcquaintJsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | AcquaintJsonSchema;
  propertyNames?: AcquaintJsonSchema;
  items?: AcquaintJsonSchema;
  anyOf?: readonly AcquaintJsonSchema[];
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  /** The message written in the zod schema for this check. */
  message?: string;
}

declare module 'virtual:config-schemas' {
  export const config: AcquaintJsonSchema & { properties: Record<string, AcquaintJsonSchema> };
  export const destination: AcquaintJsonSchema;
  export const settings: Record<string, AcquaintJsonSchema>;
  export const trigger: Record<string, AcquaintJsonSchema>;
  export const variable: Record<string, AcquaintJsonSchema>;
  /** One entry of `personalize`. */
  export const personalize: AcquaintJsonSchema;
  /** What a key of `variables` must look like. */
  export const variableName: AcquaintJsonSchema;
}
