// The relay under load, in a process of its own (forked by test/bench/relay.mjs), so its event
// loop, CPU time and RSS are its own: startRelay from dist/relay.mjs with the config and the
// database the parent sends. IPC: the parent sends { config, databaseUrl?, dataDir? } and gets
// { url }; { usage: true } answers { rss, maxRss } (bytes: now, and the peak); { delay: true } answers the
// event loop's delay since the last ask { p50, p99, max } (ms);
// { stop: true } closes the relay and exits.
import { startRelay } from '../../../dist/relay.mjs';
import { pino } from 'pino';
import { monitorEventLoopDelay } from 'node:perf_hooks';

// How late the relay's event loop runs its callbacks: what an answer waits for besides the database.
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();

let running;
// Should the bench die, so does this process (its server would otherwise keep it alive).
process.on('disconnect', () => process.exit(0));
process.on('message', async (message) => {
  if (message.config) {
    running = await startRelay({
      config: message.config,
      port: 0,
      host: '127.0.0.1',
      env: {},
      logger: pino({ level: 'silent' }),
      ...(message.databaseUrl ? { databaseUrl: message.databaseUrl } : { dataDir: message.dataDir }),
    });
    process.send({ url: running.url });
  } else if (message.usage) {
    process.send({ usage: { rss: process.memoryUsage.rss(), maxRss: process.resourceUsage().maxRSS * 1024 } });
  } else if (message.delay) {
    const ms = (ns) => ns / 1e6;
    process.send({ delay: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) } });
    delay.reset();
  } else if (message.stop) {
    await running?.close();
    process.send({ stopped: true });
    process.exit(0);
  }
});
