// The designer's file opening, in a Web Worker: parsing a large template never
// freezes the page.
import { openFileText } from '../../../../shared/pipeline/open-file';

self.onmessage = (e: MessageEvent<{ id: number; text: string; logicalId?: string }>) => {
  const { id, text, logicalId } = e.data;
  self.postMessage({ id, result: openFileText(text, logicalId) });
};
