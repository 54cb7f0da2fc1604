// @vitest-environment jsdom
// "Open in the designer" crosses sections through the shell: the request waits
// in the shell's store until the designer takes it, once.
import { beforeEach, expect, it } from 'vitest';
import { createApiClient } from '../../../shared/api/client';
import { fakeTransport } from '../test-support/fake-transport';
import { setApi } from '../api/current';
import { openInDesigner, takeDesignerRequest } from './actions';
import { resetStore, useAppStore } from './store';

beforeEach(() => {
  resetStore();
  setApi(createApiClient(fakeTransport({}).transport));
});

it('switches to the designer and leaves the pipeline for it to take, once', () => {
  const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web' };
  openInDesigner(ref);
  expect(useAppStore.getState().section).toBe('designer');
  expect(location.hash).toBe('#/designer');
  expect(takeDesignerRequest()).toEqual(ref);
  expect(takeDesignerRequest()).toBeNull();
  expect(useAppStore.getState().designerRequest).toBeNull();
});

it('has nothing to take when nothing was asked', () => {
  expect(takeDesignerRequest()).toBeNull();
});
