// The IAB GPP names the config may use (consent.gpp); consent/gpp.ts reads a CMP's sections by them.

/** The US sections of the IAB GPP, named as @iabgpp/cmpapi names them: national, then the states'. */
export const GPP_US_SECTIONS = [
  'usnat',
  'usca',
  'usva',
  'usco',
  'usut',
  'usct',
  'usfl',
  'usmt',
  'usor',
  'ustx',
  'usde',
  'usia',
  'usne',
  'usnh',
  'usnj',
  'ustn',
  'usmn',
  'usmd',
  'usin',
  'usky',
  'usri',
] as const;

/** The GPP opt-out fields: 1 = opted out, 2 = did not opt out, 0 = not applicable. */
export const GPP_OPT_OUTS = ['SaleOptOut', 'SharingOptOut', 'TargetedAdvertisingOptOut'] as const;
