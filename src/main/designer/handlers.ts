// The designer, as a feature: live pipelines read as designs, diffs and deploys,
// and the OS file dialogs (desktop only), remembering each window's last file.
import { basename } from 'node:path';
import { AppError } from '../../shared/api/errors';
import { JsonFileError } from '../../node/json-file';
import type { EventHub } from '../rpc/event-hub';
import type { DesignsService } from './service';
import type { HandlerSlice } from '../rpc/handler-slice';

export interface FileDialogs {
  open(): Promise<{ path: string; text: string } | null>;
  save(suggestedName: string, text: string, path: string | null): Promise<string | null>;
}

type DesignerMethods = 'pipelines.exportDesign' | 'designs.diff' | 'designs.deploy' | 'designs.openFile' | 'designs.saveFile';

export function designerFeature({
  designs,
  clients,
  fileDialogs,
}: {
  designs: DesignsService;
  clients: Pick<EventHub, 'onDeparture'>;
  fileDialogs?: FileDialogs;
}): {
  handlers: HandlerSlice<DesignerMethods>;
} {
  // The file each window last opened or saved, for "Save" without a dialog.
  const lastPath = new Map<string, string>();
  clients.onDeparture((clientId) => lastPath.delete(clientId));
  const dialogs = () => {
    if (!fileDialogs) throw new AppError('UNAVAILABLE', 'File dialogs exist in the desktop app only; browser mode uploads and downloads files.');
    return fileDialogs;
  };
  return {
    handlers: {
      'pipelines.exportDesign': ({ profile, region, name }) => designs.exportLive(profile, region, name),
      'designs.diff': ({ design, profile, region }) => designs.diff(design, profile, region),
      'designs.deploy': ({ design, profile, region, expectedVersion }) => designs.deploy(design, profile, region, expectedVersion),
      'designs.openFile': async (_input, ctx) => {
        const r = await dialogs()
          .open()
          .catch((err: unknown) => {
            // A file refused by its type or size (a FIFO, a device, over the limit) is the person's to correct, not a fault.
            if (err instanceof JsonFileError) throw new AppError('INVALID_INPUT', err.message);
            throw err;
          });
        if (!r) return null;
        lastPath.set(ctx.clientId, r.path);
        return { fileName: basename(r.path), text: r.text };
      },
      'designs.saveFile': async ({ suggestedName, text, saveAs }, ctx) => {
        const path = await dialogs().save(suggestedName, text, saveAs ? null : (lastPath.get(ctx.clientId) ?? null));
        if (!path) return null;
        lastPath.set(ctx.clientId, path);
        return { fileName: basename(path) };
      },
    },
  };
}
