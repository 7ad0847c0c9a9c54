// The `analytics` package (getanalytics.io) ships no HTTP destination, so a site writes one: this
// plugin POSTs each event as it comes, Segment-style, to the collector's /v1/track.
(function () {
  var url = '/v1/track', headers = { 'Content-Type': 'text/plain' };
  function send(o) {
    var body = JSON.stringify(o.payload);
    // keepalive lets a request outlive the page; past its 64 KB in-flight quota fetch rejects, so retry without.
    fetch(url, { method: 'POST', headers: headers, body: body, keepalive: true })
      .catch(function () { return fetch(url, { method: 'POST', headers: headers, body: body }); })
      .catch(function () {});
  }
  window.analyticsCollectorPlugin = { name: 'collector', page: send, track: send, identify: send };
})();
