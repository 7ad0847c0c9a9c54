// dist/consent-ui.js: hands openBanner to the runtime through a DOM event and does nothing else
// until it is called (no globals; see types.ts).
import { openBanner } from './open';
import { BANNER_EVENT, type OpenBanner } from './types';

document.dispatchEvent(new CustomEvent<OpenBanner>(BANNER_EVENT, { detail: openBanner }));
