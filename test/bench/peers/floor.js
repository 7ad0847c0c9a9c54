// The floor: what a site could hand-write in 20 lines. Events queue in memory, leave in one POST
// per 200 events 100 ms after the first, and whatever is left goes by sendBeacon when the page hides.
(function () {
  var url = '/v1/batch', queue = [], timer = 0;
  var body = function (events) { return JSON.stringify({ batch: events, sentAt: new Date().toISOString() }); };
  function flush() {
    clearTimeout(timer);
    timer = 0;
    while (queue.length) fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: body(queue.splice(0, 200)) }).catch(function () {});
  }
  function track(event, properties) {
    queue.push({ type: 'track', event: event, properties: properties || {}, messageId: crypto.randomUUID(), timestamp: new Date().toISOString() });
    if (!timer) timer = setTimeout(flush, 100);
  }
  // A beacon may carry 64 KB, so 50 events at a time.
  addEventListener('pagehide', function () {
    clearTimeout(timer);
    timer = 0;
    while (queue.length) navigator.sendBeacon(url, body(queue.splice(0, 50)));
  });
  window.floor = { track: track, flush: flush };
})();
