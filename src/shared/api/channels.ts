// Electron IPC channel names: one invoke channel for every method, one for events.
export const IPC_INVOKE_CHANNEL = 'pipewright:invoke';
export const IPC_EVENT_CHANNEL = 'pipewright:event';
