import { sha256 } from '../browser/storage';
import { PROOF_EVENT } from '../proof/announce';
import { proofParts } from '../proof/parts';

// Entry of dist/acquaint-proof.js, which acquaint.js loads only when the config names a relay:
// consent receipts, the id cookie expired on withdrawal, forget at the relay. It hands its parts
// over by a DOM event (no new global). SubtleCrypto exists in secure contexts only.
document.dispatchEvent(new CustomEvent(PROOF_EVENT, { detail: proofParts(window.crypto?.subtle ? sha256 : undefined) }));
