/** The purposes every config has; a config may declare more through `consent.defaults`. */
export const BUILT_IN_PURPOSES = ['necessary', 'analytics', 'marketing', 'personalization'] as const;
