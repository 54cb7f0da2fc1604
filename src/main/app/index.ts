// The app feature: information, readiness, settings, jobs and the embedded sandbox.
export { appFeature, type AppDeps } from './handlers';
export { SettingsService } from './settings-service';
export { SandboxService } from './sandbox-service';
