// A stand-in for Meta's fbevents.js, for the demo and the browser tests: it takes over the
// fbq queue the way the real one does, records every call in window.__vendorCalls and sends
// nothing anywhere.
(function () {
  var fbq = window.fbq;
  var calls = (window.__vendorCalls = window.__vendorCalls || []);
  if (typeof fbq !== 'function') {
    console.error('fbevents stand-in: window.fbq is not defined');
    return;
  }
  function record(args) {
    var entry = { vendor: 'fbq', args: Array.prototype.slice.call(args) };
    calls.push(entry);
    document.dispatchEvent(new CustomEvent('vendor-call', { detail: entry }));
  }
  fbq.callMethod = function () {
    record(arguments);
  };
  (fbq.queue || []).forEach(record);
  fbq.queue = [];
  window.__fbeventsLoaded = (window.__fbeventsLoaded || 0) + 1;
})();
