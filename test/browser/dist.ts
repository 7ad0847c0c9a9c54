/// <reference types="node" />
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// ACQUAINT_DIST points the suite at another build of acquaint (e.g. a candidate in a temp dir).
export const DIST = process.env.ACQUAINT_DIST
  ? resolve(process.env.ACQUAINT_DIST)
  : resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
