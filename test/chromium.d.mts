/** Launch options for the system Chromium, with `extra` flags after the shared ones. */
export function chromiumLaunch(...extra: string[]): { executablePath: string; args: string[] };
