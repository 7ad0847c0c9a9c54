import type { Condition, VariableConfig } from '../config/tags-schema';
import { asText, fillTemplate } from '../lib/template';
import { collapsedText, readElement, readForm } from './read-element';
import type { Scope, TriggerDom } from './types';

/** A value as text inside a template or a condition: nothing is '', objects are JSON. */

// Deep enough for any sane lookup chain; cycles are refused by check.ts before this runs.
const MAX_DEPTH = 16;

function cookie(document: Document, name: string): string | undefined {
  for (const pair of document.cookie.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0 || pair.slice(0, at).trim() !== name) continue;
    const value = pair.slice(at + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/**
 * Reads `{{names}}` for a firing trigger: the built-ins of contract §7 and the config's own
 * variables, and fills property templates with them. Nothing is read until a trigger fires.
 */
export function createResolver(
  variables: Record<string, VariableConfig>,
  { document, window }: TriggerDom,
  model: (path: string) => unknown,
) {
  const page = (name: string): unknown => {
    const { location } = window;
    if (name.startsWith('query.')) return new URLSearchParams(location.search).get(name.slice(6)) ?? undefined;
    const values: Record<string, string> = {
      url: location.href,
      path: location.pathname,
      host: location.host,
      referrer: document.referrer,
      title: document.title,
    };
    return values[name];
  };

  function builtIn(root: string, rest: string, scope: Scope): unknown {
    const base = window.location.href;
    switch (root) {
      case 'page':
        return page(rest);
      case 'click':
        return scope.click && readElement(scope.click, rest, base);
      case 'element':
        return scope.element && readElement(scope.element, rest, base);
      case 'form':
        return scope.form && readForm(scope.form, rest, base);
      case 'scroll':
        return scope.scroll;
      case 'timer':
        return scope.timer;
      case 'dl':
        return model(rest);
      case 'cookie':
        return cookie(document, rest);
      default:
        return undefined;
    }
  }

  function variable(config: VariableConfig, scope: Scope, depth: number): unknown {
    switch (config.type) {
      case 'constant':
        return config.value;
      case 'cookie':
        return cookie(document, config.name);
      case 'dataLayer':
        return model(config.path);
      case 'dom': {
        const element = document.querySelector(config.selector);
        if (!element) return undefined;
        return config.attribute ? (element.getAttribute(config.attribute) ?? undefined) : collapsedText(element);
      }
      case 'url': {
        const { location } = window;
        if (config.param) return new URLSearchParams(location.search).get(config.param) ?? undefined;
        const parts = {
          href: location.href,
          host: location.host,
          hostname: location.hostname,
          path: location.pathname,
          query: location.search.slice(1),
          fragment: location.hash.slice(1),
          protocol: location.protocol.replace(':', ''),
        };
        return parts[config.part ?? 'href'];
      }
      case 'lookup': {
        const input = asText(render(config.input, scope, depth + 1));
        return Object.prototype.hasOwnProperty.call(config.map, input) ? config.map[input] : undefined;
      }
    }
  }

  function value(name: string, scope: Scope, depth = 0): unknown {
    if (depth > MAX_DEPTH) return undefined;
    if (Object.prototype.hasOwnProperty.call(variables, name)) {
      const config = variables[name]!;
      const read = variable(config, scope, depth);
      return read === undefined || read === null ? ('default' in config ? config.default : read) : read;
    }
    const dot = name.indexOf('.');
    return dot > 0 ? builtIn(name.slice(0, dot), name.slice(dot + 1), scope) : undefined;
  }

  /** A property value with its templates filled (lib/template.ts); a lone `{{name}}` keeps the variable's type. */
  const render = (template: unknown, scope: Scope, depth = 0): unknown => fillTemplate(template, (name) => value(name, scope, depth));

  /** Every condition holds (contract §7 ops); `not` inverts one. */
  function holds(conditions: readonly Condition[] | undefined, scope: Scope): boolean {
    return !conditions || conditions.every((condition) => test(condition, value(condition.var, scope)) !== (condition.not === true));
  }

  return { value, render, holds };
}

const regexes = new Map<string, RegExp>();

function test({ op, value: expected }: Condition, actual: unknown): boolean {
  if (op === 'gt' || op === 'lt') {
    const number = typeof actual === 'number' ? actual : typeof actual === 'string' && actual.trim() ? Number(actual) : NaN;
    return op === 'gt' ? number > Number(expected) : number < Number(expected);
  }
  const text = asText(actual);
  const wanted = String(expected);
  switch (op) {
    case 'equals':
      return text === wanted;
    case 'contains':
      return text.includes(wanted);
    case 'prefix':
      return text.startsWith(wanted);
    case 'suffix':
      return text.endsWith(wanted);
    case 'regex': {
      let regex = regexes.get(wanted);
      if (!regex) regexes.set(wanted, (regex = new RegExp(wanted)));
      return regex.test(text);
    }
  }
}

export type Resolver = ReturnType<typeof createResolver>;
