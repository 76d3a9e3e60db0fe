/**
 * What a runner offers: how many runs at once and the Xcode and macOS it has,
 * found by the toolchain detector on the builds' PATH. A runner without Xcode
 * takes only runs whose every action has a command.
 */
import { detectToolchain, type DetectedToolchain } from '../toolchain/detect-toolchain.ts';

export interface RunnerOffer {
  /** Stable per machine and mode, e.g. `store-mac-mini-3`; runners report under it. */
  id: string;
  name: string;
  mode: 'local' | 'store' | 'http';
  slots: number;
  toolchain: DetectedToolchain;
}

export async function detectOffer(
  base: Omit<RunnerOffer, 'toolchain'>,
  buildEnv: Record<string, string>,
): Promise<RunnerOffer> {
  return { ...base, toolchain: await detectToolchain(buildEnv) };
}

/** Whether the runner can perform actions that run xcodebuild. */
export function offersXcode(offer: Pick<RunnerOffer, 'toolchain'>): boolean {
  return offer.toolchain.xcode !== null;
}
