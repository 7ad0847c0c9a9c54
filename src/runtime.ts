import { install } from './install';

// Entry of the generic dist/acquaint.js: the config comes from `data-config` or the inline
// `#acquaint-config` JSON. A container build's entry calls install() with its config instead.
install();
