import type { Plugin } from 'rollup';
export function configSchemas(): Plugin;
