import { AUDIENCES_EVENT } from '../personalize/announce';
import { audienceParts } from '../personalize/parts';

// Entry of dist/acquaint-audiences.js, which acquaint.js loads only when the config has
// audiences or personalize entries. It hands its parts over by a DOM event (no new global),
// bound to this page's document.
document.dispatchEvent(new CustomEvent(AUDIENCES_EVENT, { detail: audienceParts({ document, MutationObserver }) }));
