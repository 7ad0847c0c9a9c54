// The bench page around one SDK's snippet. Every page gets the same harness: a long-task log,
// `bench.ready` (resolved by the SDK's own ready callback through `bench.markReady`), and
// `bench.first`, the name of the one event each snippet tracks at load (unique per load via ?run=).
const harness = `<script>
  window.longTasks = [];
  new PerformanceObserver(function (list) { longTasks.push.apply(longTasks, list.getEntries()); }).observe({ type: 'longtask', buffered: true });
  window.bench = { readyAt: 0, first: 'first_' + (new URLSearchParams(location.search).get('run') || '0') };
  bench.ready = new Promise(function (resolve) {
    bench.markReady = function () { if (!bench.readyAt) bench.readyAt = performance.now(); resolve(); };
  });
</script>`;

/** The HTML of the bench page for `sdk` ({ label, head }). */
export function benchPage(sdk) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${sdk.label} bench</title>
<link rel="icon" href="data:,">
${harness}
${sdk.head.trim()}
</head>
<body><p>${sdk.label} bench</p></body>
</html>
`;
}

/** Where the unload case navigates to: the same server, no SDK. */
export const blankPage =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>blank</title><link rel="icon" href="data:,"></head><body><p>blank</p></body></html>\n';
