/** What xcodebuild (or SwiftPM) says it is doing, as far as issue categories care. */
export interface BuildStep {
  /** Category for diagnostics printed under this step; null keeps the parser's default. */
  category: string | null;
  /** The clang static analyzer runs in this step. */
  analyze: boolean;
}

// xcodebuild starts each command's block with a line such as
// `CompileC /path/a.o /path/a.m normal arm64 objective-c ... (in target 'App' from project 'App')`
// and prints the command's own output right after it; blocks do not interleave.
const XCODE_STEP = new RegExp(
  String.raw`^([A-Z][A-Za-z0-9+]*) .*\(in target` +
    String.raw`(?: '[^']*' from project '[^']*'(?: at path '[^']*')?|: [^)]*)\)$`,
);
const TARGET_BANNER = /^=== (?:BUILD|ANALYZE|CLEAN)(?: AGGREGATE)? TARGET .* ===$/;
const SWIFTPM_STEP = /^\[\d+\/\d+\] (\w+)/;

const COMPILE_COMMAND = new RegExp(
  `^(?:${[
    'Compile',
    'SwiftCompile',
    'SwiftEmitModule',
    'SwiftDriver',
    'SwiftMergeGeneratedHeaders',
    'SwiftGeneratePch',
    'EmitSwiftModule',
    'MergeSwiftModule',
    'ProcessPCH',
    'PrecompileModule',
    'ScanDependencies',
    'LinkStoryboards',
  ].join('|')})`,
);
const LINK_COMMAND = /^(?:Ld|Libtool|CreateUniversalBinary|GenerateTAPI)$/;

/** The category xcodebuild's command name implies, or null when it implies none. */
export function commandCategory(command: string): string | null {
  if (command.startsWith('Analyze')) return 'Analyze';
  if (command === 'PhaseScriptExecution') return 'Run script';
  if (command === 'CodeSign') return 'Code sign';
  if (LINK_COMMAND.test(command)) return 'Link';
  if (COMPILE_COMMAND.test(command)) return 'Compile';
  return null;
}

/** The step a header line opens, or undefined when the line is not a step header. */
export function parseBuildStep(line: string): BuildStep | undefined {
  const xcode = XCODE_STEP.exec(line);
  if (xcode !== null) {
    const command = xcode[1]!;
    return { category: commandCategory(command), analyze: command.startsWith('Analyze') };
  }

  if (TARGET_BANNER.test(line)) return { category: null, analyze: false };

  const swiftpm = SWIFTPM_STEP.exec(line);
  if (swiftpm !== null) {
    const verb = swiftpm[1]!;
    if (verb === 'Linking') return { category: 'Link', analyze: false };
    if (verb === 'Compiling' || verb === 'Emitting') return { category: 'Compile', analyze: false };
    return { category: null, analyze: false };
  }

  return undefined;
}
