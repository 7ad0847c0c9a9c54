// A consent manager built on the IAB's own reference libraries (@iabtcf/cmpapi, @iabtcf/core),
// bundled by test/browser/cmp/bundle.ts for the TCF browser tests. Its "UI" is driven by the test:
//   window.testCmp.choose([1, 7, 8, 9])   the visitor consents to these TCF purposes (stored)
// On load it reads the stored TC string: with one it reports `tcloaded`, without one it "shows
// its UI" (`cmpuishown`); `?gdpr=0` says GDPR does not apply.
import { CmpApi } from '@iabtcf/cmpapi';
import { GVL, TCModel, TCString } from '@iabtcf/core';

const KEY = 'test-cmp-tc-string';
// A one-day vendor list: the eleven TCF purposes and no vendors (service-specific consent).
const purposes = Object.fromEntries(
  Array.from({ length: 11 }, (_, i) => [String(i + 1), { id: i + 1, name: `Purpose ${i + 1}`, description: '', illustrations: [] }]),
);
const gvl = new GVL({
  gvlSpecificationVersion: 3,
  vendorListVersion: 1,
  tcfPolicyVersion: 5,
  lastUpdated: '2026-01-01T00:00:00Z',
  purposes,
  specialPurposes: {},
  features: {},
  specialFeatures: {},
  vendors: {},
  stacks: {},
  dataCategories: {},
} as unknown as ConstructorParameters<typeof GVL>[0]);

const cmpApi = new CmpApi(300, 1, true);

function encode(purposeIds: number[]): string {
  const model = new TCModel(gvl);
  model.cmpId = 300;
  model.cmpVersion = 1;
  model.isServiceSpecific = true;
  model.purposeConsents.set(purposeIds);
  return TCString.encode(model);
}

const testCmp = {
  choose(purposeIds: number[]): void {
    const tcString = encode(purposeIds);
    localStorage.setItem(KEY, tcString);
    cmpApi.update(tcString, false);
  },
  showUi(): void {
    cmpApi.update(localStorage.getItem(KEY) ?? '', true);
  },
};
(window as Window & { testCmp?: typeof testCmp }).testCmp = testCmp;

const stored = localStorage.getItem(KEY);
if (new URLSearchParams(location.search).get('gdpr') === '0') cmpApi.update(null);
else if (stored) cmpApi.update(stored, false);
else cmpApi.update('', true);
