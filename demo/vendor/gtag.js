// A stand-in for Google's gtag.js, for the demo and the browser tests: it records every
// command acquaint gives it in window.__vendorCalls and sends nothing anywhere.
(function () {
  var script = document.currentScript;
  var params = new URL(script ? script.src : location.href).searchParams;
  var layerName = params.get('l') || 'dataLayer';
  var calls = (window.__vendorCalls = window.__vendorCalls || []);
  var layer = (window[layerName] = window[layerName] || []);
  function record(command) {
    var entry = { vendor: 'gtag', id: params.get('id'), args: Array.prototype.slice.call(command) };
    calls.push(entry);
    document.dispatchEvent(new CustomEvent('vendor-call', { detail: entry }));
  }
  layer.forEach(record);
  layer.push = function () {
    for (var i = 0; i < arguments.length; i++) record(arguments[i]);
    return Array.prototype.push.apply(layer, arguments);
  };
  window.__gtagLoaded = (window.__gtagLoaded || 0) + 1;
})();
