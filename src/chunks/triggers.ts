import { startTriggers } from '../triggers/start';
import { TRIGGERS_EVENT, type LoadedTriggers } from '../triggers/announce';

// Entry of dist/acquaint-triggers.js, which acquaint.js loads only when the config has
// triggers or tagging. It hands its start function over by a DOM event (no new global),
// bound to this page's window and document.
const start: LoadedTriggers = (config, host) => startTriggers(config, host, { window, document });
document.dispatchEvent(new CustomEvent(TRIGGERS_EVENT, { detail: start }));
