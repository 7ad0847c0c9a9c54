// zod's core writes `globalThis.__zod_globalConfig` and `__zod_globalRegistry`. In the page
// script that would add two globals and share state with any zod the site runs itself, so
// the bundled copy gets a private scope object instead.
const SCOPE = '\0acquaint-zod-scope';

export function zodScope() {
  return {
    name: 'zod-scope',
    resolveId: (id) => (id === SCOPE ? id : null),
    load: (id) => (id === SCOPE ? 'export const scope = {};' : null),
    transform(code, id) {
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(id) || !code.includes('globalThis')) return null;
      return { code: `import { scope as __acquaintZodScope } from ${JSON.stringify(SCOPE)};\n${code.replaceAll('globalThis', '__acquaintZodScope')}`, map: null };
    },
  };
}
