// Reads the user's AWS shared config and credentials files with the SDK's own
// loader (honouring AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE).
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';

/** Profile names found in ~/.aws/config and ~/.aws/credentials; empty when neither exists. */
export async function listProfileNames(): Promise<string[]> {
  try {
    const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
    return [...new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)])].sort();
  } catch {
    return [];
  }
}
