// Remembers the window's bounds between launches (plain JSON in the user-data dir).
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../node/atomic-file';
import { readJsonFile } from '../../node/json-file';

export const WindowBounds = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowBounds = z.infer<typeof WindowBounds>;

export const DEFAULT_BOUNDS: WindowBounds = { width: 1400, height: 900, maximized: false };

export async function loadWindowState(home: string): Promise<WindowBounds> {
  try {
    return await readJsonFile(join(home, 'window-state.json'), WindowBounds, { maxBytes: 64 * 1024 });
  } catch {
    return DEFAULT_BOUNDS;
  }
}

export async function saveWindowState(home: string, bounds: WindowBounds): Promise<void> {
  await writeFileAtomic(join(home, 'window-state.json'), JSON.stringify(bounds));
}
