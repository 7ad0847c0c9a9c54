// Waiting on the collector without blind sleeps: a tracker counts what arrived for one event
// name, and settle() resolves on a condition, on quiet (no arrival for a while) or on a bound.

/** Counts distinct events named `name` (keys "name#n") and the requests that carried them, from now on. */
export function tracker(server, name) {
  const keys = new Set();
  const prefix = `${name}#`;
  let scanned = server.arrivals.length;
  let requests = 0;
  let firstAt;
  // Incremental: Segment alone posts 10,000 requests in a run.
  const update = () => {
    for (; scanned < server.arrivals.length; scanned++) {
      const arrival = server.arrivals[scanned];
      let mine = false;
      for (const key of arrival.keys) {
        if (!key.startsWith(prefix)) continue;
        keys.add(key);
        mine = true;
      }
      if (mine) {
        requests++;
        firstAt ??= arrival.at;
      }
    }
  };
  return {
    get count() {
      update();
      return keys.size;
    },
    get requests() {
      update();
      return requests;
    },
    get firstAt() {
      update();
      return firstAt;
    },
  };
}

/**
 * Resolves 'done' once `done()` holds, 'quiet' when nothing arrived for `quietMs`, or 'timeout'
 * after `timeoutMs`; checked on every arrival, never polled.
 */
export function settle(server, { done, quietMs, timeoutMs }) {
  return new Promise((resolve) => {
    let quiet;
    const finish = (why) => {
      clearTimeout(quiet);
      clearTimeout(limit);
      off();
      resolve(why);
    };
    const check = () => {
      if (done()) return finish('done');
      clearTimeout(quiet);
      quiet = setTimeout(() => finish('quiet'), quietMs);
    };
    const off = server.onArrival(check);
    const limit = setTimeout(() => finish('timeout'), timeoutMs);
    check();
  });
}

/** `promise`, or a rejection naming `what` after `ms`. */
export function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
