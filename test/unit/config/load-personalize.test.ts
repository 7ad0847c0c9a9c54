import { describe, expect, it } from 'vitest';
import { parsePersonalize } from '../../../src/config/load-personalize';
import type { ConfigIssue } from '../../../src/config/report';
import { checkConfig } from '../../../src/cli/check-config';

const audiences = [{ id: 'vip' }, { id: 'browsing' }];

describe('parsePersonalize', () => {
  it('keeps good entries with their paths and names each bad one by its path', () => {
    const issues: ConfigIssue[] = [];
    const entries = parsePersonalize(
      [
        { audience: 'vip', selector: '.vip-offer', action: 'show' },
        { audience: 'nobody', selector: '.x', action: 'show' },
        { audience: 'vip', selector: 'main', action: 'class' },
        { audience: 'vip', selector: '.y', action: 'blink' },
        { audience: 'browsing', selector: '.teaser', action: 'class', class: 'is-thinking' },
        { audience: 'vip', selector: 'a[', action: 'hide' },
      ],
      audiences,
      issues,
      (selector) => !selector.endsWith('['),
    );
    expect(entries.map((e) => e.path)).toEqual(['personalize[0]', 'personalize[4]']);
    expect(entries[1]!.entry).toEqual({ audience: 'browsing', selector: '.teaser', action: 'class', class: 'is-thinking' });
    expect(issues.map((i) => i.path)).toEqual([
      'personalize[1].audience',
      'personalize[2].class',
      'personalize[3].action',
      'personalize[5].selector',
    ]);
    expect(issues[0]!.message).toContain('unknown audience "nobody"');
    expect(issues[3]!.message).toContain('invalid CSS selector "a["');
  });

  it('without a page, selectors are not judged', () => {
    const issues: ConfigIssue[] = [];
    expect(parsePersonalize([{ audience: 'vip', selector: 'a[', action: 'hide' }], audiences, issues)).toHaveLength(1);
    expect(issues).toEqual([]);
  });

  it('a personalize that is not a list is one issue', () => {
    const issues: ConfigIssue[] = [];
    expect(parsePersonalize({ audience: 'vip' }, audiences, issues)).toEqual([]);
    expect(issues).toEqual([{ code: 'invalid_type', path: 'personalize', message: 'expected array' }]);
  });

  it('acquaint validate reports the audience and the missing class by path', () => {
    const report = checkConfig(
      JSON.stringify({
        version: 1,
        audiences: [{ id: 'vip', all: [{ trait: 'plan', equals: 'vip' }] }],
        personalize: [
          { audience: 'vip', selector: '.a', action: 'show' },
          { audience: 'vop', selector: '.a', action: 'show' },
          { audience: 'vip', selector: '.a', action: 'class' },
        ],
      }),
    );
    expect(report.errors.map((e) => e.path)).toEqual(['personalize[1].audience', 'personalize[2].class']);
  });
});
