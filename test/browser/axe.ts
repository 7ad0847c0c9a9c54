import { expect, type Page } from '@playwright/test';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core on the banner host, shadow root included: `rule: help (targets)` per violation. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }).axe.run(
      { include: [['acquaint-consent']] },
      { resultTypes: ['violations'] },
    ),
  );
  // Guard against a vacuous pass: the contrast rule must have looked at nodes in the shadow root.
  const inShadow = (node: { target: unknown[] }) => Array.isArray(node.target[0]);
  expect([...results.passes, ...results.violations].some((rule) => rule.id === 'color-contrast' && rule.nodes.some(inShadow))).toBe(true);
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.flat().join(' >> ')).join(', ')})`);
}

export async function expectNoAxeViolations(page: Page): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
}
