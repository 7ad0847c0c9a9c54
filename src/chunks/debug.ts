import { createTrace, DEBUG_EVENT } from '../events/trace';

// Entry of dist/acquaint-debug.js, which a runtime built without debug mode's trace loads when
// debug mode turns on (`?acquaint_debug=1`, `data-debug`, `acquaint.debug(true)`). It hands
// createTrace over by a DOM event (no new global).
document.dispatchEvent(new CustomEvent(DEBUG_EVENT, { detail: createTrace }));
