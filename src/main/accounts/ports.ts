// What the accounts feature needs from outside it: the embedded sandbox, if
// running, whose accounts and regions join the file profiles.
import type { Sandbox } from '../../sandbox/sandbox';

export interface SandboxInstance {
  /** The running sandbox, or undefined when it is off. */
  readonly instance: Sandbox | undefined;
}
