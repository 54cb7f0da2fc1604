// Types for chromium-path.mjs (the config and scripts share it).
export function findChromium(): string | undefined;
