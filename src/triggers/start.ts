import * as features from '../config/build-features';
import type { RawTags } from '../config/load';
import { parseTags } from './load-tags';
import type { ConfigIssue } from '../config/report';
import type { TriggerConfig } from '../config/tags-schema';
import { checkTags } from './check';
import { watchClicks } from './clicks';
import { watchScroll } from './scroll';
import { watchSubmits } from './submits';
import { taggedMessage } from './tagging';
import { watchTimers } from './timer';
import type { Armed, Scope, Stop, TagsConfig, TriggerDom, TriggerHost } from './types';
import { createResolver } from './variables';
import { watchVisible } from './visible';

type Of<T extends TriggerConfig['type']> = Extract<TriggerConfig, { type: T }>;

/**
 * Starts the config's triggers and attribute tagging in a page: each one that fires pushes
 * `{ event, ...properties }` onto the data layer, and nothing else (contract §7). Triggers
 * with a problem only the page can see (a selector that does not compile) stay off.
 */
export function startTriggers(config: RawTags, host: TriggerHost, dom: TriggerDom): { stop(): void } {
  const fragment = dom.document.createDocumentFragment();
  const compiles = (selector: string): boolean => {
    try {
      fragment.querySelector(selector);
      return true;
    } catch {
      return false;
    }
  };
  const issues: ConfigIssue[] = [];
  // A container's tags were parsed when it was built; the selectors still need this page to compile.
  const parsed = features.configAtRuntime ? parseTags(config, issues) : (config as unknown as TagsConfig);
  const { tags, issues: found } = checkTags(parsed, compiles);
  issues.push(...found);
  if (issues.length) host.report(issues);
  const resolver = createResolver(tags.variables, dom, host.get);

  const armed = {
    click: [] as Armed<Of<'click'>>[],
    submit: [] as Armed<Of<'submit'>>[],
    scroll: [] as Armed<Of<'scroll'>>[],
    visible: [] as Armed<Of<'visible'>>[],
    timer: [] as Armed<Of<'timer'>>[],
  };
  for (const { path, trigger } of tags.triggers) {
    const origin = `${path} (${trigger.type})`;
    const fire = (scope: Scope): void => {
      if (!resolver.holds(trigger.when, scope)) return;
      const properties = resolver.render(trigger.properties ?? {}, scope) as Record<string, unknown>;
      host.push({ ...properties, event: trigger.event }, origin);
    };
    (armed[trigger.type] as Armed<TriggerConfig>[]).push({ trigger, fire });
  }

  const navigation: (() => void)[] = [];
  host.onNavigate(() => navigation.forEach((listener) => listener()));
  const onNavigate = (listener: () => void): void => void navigation.push(listener);
  const tagged = tags.tagging
    ? (element: Element): void => {
        const message = taggedMessage(element);
        if (message) host.push(message, `tagging (<${element.tagName.toLowerCase()} data-acquaint-event>)`);
      }
    : undefined;

  const stops: Stop[] = [];
  // A container leaves out the watchers of trigger types its config has none of (build-features.ts).
  if (features.clickTriggers && (armed.click.length || tagged)) stops.push(watchClicks(dom, armed.click, tagged));
  if (features.submitTriggers && (armed.submit.length || tagged)) stops.push(watchSubmits(dom, armed.submit, tagged));
  if (features.scrollTriggers && armed.scroll.length) stops.push(watchScroll(dom, armed.scroll, onNavigate));
  if (features.visibleTriggers && armed.visible.length) stops.push(watchVisible(dom, armed.visible, onNavigate));
  if (features.timerTriggers && armed.timer.length) stops.push(watchTimers(dom, armed.timer));
  host.debug(`acquaint: ${tags.triggers.length} trigger(s) armed${tags.tagging ? ', attribute tagging on' : ''}`);
  return {
    stop() {
      stops.forEach((stop) => stop());
      navigation.length = 0;
    },
  };
}
