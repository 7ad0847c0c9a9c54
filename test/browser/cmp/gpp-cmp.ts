// A US consent manager built on the IAB's own GPP library (@iabgpp/cmpapi), bundled by
// test/browser/cmp/bundle.ts for the GPP browser tests. Its "UI" is driven by the test:
//   window.testGpp.optOut('usnat', ['SaleOptOut'])   the visitor opts out (stored)
//   window.testGpp.optIn('usnat')                      the visitor withdraws every opt-out (stored)
// On load it reads the stored GPP string; without one it writes the notices given and no
// opt-out (US laws are opt-out regimes: nobody is asked first). `?wait=1` keeps the signal
// "not ready" until window.testGpp.ready().
import { CmpApi, CmpDisplayStatus, CmpStatus, SignalStatus } from '@iabgpp/cmpapi';

const KEY = 'test-cmp-gpp-string';
const OPT_OUTS: Record<string, string[]> = {
  usnat: ['SaleOptOut', 'SharingOptOut', 'TargetedAdvertisingOptOut'],
  usca: ['SaleOptOut', 'SharingOptOut'],
};
const NOTICES: Record<string, string[]> = {
  usnat: ['SharingNotice', 'SaleOptOutNotice', 'SharingOptOutNotice', 'TargetedAdvertisingOptOutNotice'],
  usca: ['SaleOptOutNotice', 'SharingOptOutNotice'],
};

const cmpApi = new CmpApi(300, 1);
cmpApi.setSupportedAPIs(['7:usnat', '8:usca']);

/** Sets `fields` of `section` to `value`, then stores the string and signals, in the spec's order. */
function change(section: string, fields: string[], value: number): void {
  cmpApi.setSignalStatus(SignalStatus.NOT_READY);
  for (const field of NOTICES[section]!) cmpApi.setFieldValue(section, field, 1);
  for (const field of fields) cmpApi.setFieldValue(section, field, value);
  localStorage.setItem(KEY, cmpApi.getGppString());
  cmpApi.fireSectionChange(section);
  cmpApi.setSignalStatus(SignalStatus.READY);
}

const testGpp = {
  optOut: (section: string, fields: string[]): void => change(section, fields, 1),
  optIn: (section: string): void => change(section, OPT_OUTS[section]!, 2),
  ready(): void {
    cmpApi.setSignalStatus(SignalStatus.READY);
  },
};
(window as Window & { testGpp?: typeof testGpp }).testGpp = testGpp;

const stored = localStorage.getItem(KEY);
if (stored) {
  cmpApi.setGppString(stored);
} else {
  for (const field of NOTICES.usnat!) cmpApi.setFieldValue('usnat', field, 1);
  for (const field of OPT_OUTS.usnat!) cmpApi.setFieldValue('usnat', field, 2);
}
cmpApi.setApplicableSections([7]);
cmpApi.setCmpStatus(CmpStatus.LOADED);
cmpApi.setCmpDisplayStatus(CmpDisplayStatus.HIDDEN);
if (new URLSearchParams(location.search).get('wait') !== '1') cmpApi.setSignalStatus(SignalStatus.READY);
