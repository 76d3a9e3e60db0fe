import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IssueRecord } from '../../src/model/records.ts';
import { DiagnosticsParser } from '../../src/parsers/diagnostics-parser.ts';
import { collector, feed, fixtureLines } from './collect.ts';

function issuesOf(lines: string[], category?: string): IssueRecord[] {
  const sink = collector();
  feed(new DiagnosticsParser(sink, category === undefined ? {} : { category }), lines);
  assert.deepEqual(sink.results, []);
  return sink.issues;
}

function at(path: string, lineNumber: number | null) {
  return { path, lineNumber };
}

const APP = '/Users/dev/Projects/My App';

describe('DiagnosticsParser on xcodebuild output', () => {
  it('reads a failed build: compiler, script phase and linker issues, each once', () => {
    assert.deepEqual(issuesOf(fixtureLines('xcodebuild-build-failed.log')), [
      {
        issueType: 'WARNING',
        message:
          "The iOS Simulator deployment target 'IPHONEOS_DEPLOYMENT_TARGET' is set to 11.0, " +
          'but the range of supported deployment target versions is 12.0 to 18.2.99. ' +
          "(in target 'MyKit' from project 'My App')",
        fileSource: at(`${APP}/My App.xcodeproj`, null),
        category: 'Compile',
      },
      {
        issueType: 'WARNING',
        message: "unused variable 'count' [-Wunused-variable]",
        fileSource: at(`${APP}/MyKit/Legacy.m`, 14),
        category: 'Compile',
      },
      {
        issueType: 'WARNING',
        message: "'init(items:)' is deprecated: use init(store:) instead [#DeprecatedDeclaration]",
        fileSource: at(`${APP}/MyKit/Übersicht.swift`, 8),
        category: 'Compile',
      },
      {
        issueType: 'ERROR',
        message: "cannot find 'validateCredentials' in scope",
        fileSource: at(`${APP}/MyApp/LoginView.swift`, 27),
        category: 'Compile',
      },
      {
        issueType: 'WARNING',
        message: "variable 'token' was never mutated; consider changing to 'let' constant",
        fileSource: at(`${APP}/MyApp/LoginView.swift`, 12),
        category: 'Compile',
      },
      {
        issueType: 'WARNING',
        message:
          'Line Length Violation: Line should be 120 characters or less; ' +
          'currently it has 134 characters (line_length)',
        fileSource: at(`${APP}/MyApp/LoginView.swift`, 40),
        category: 'Run script',
      },
      {
        issueType: 'ERROR',
        message: 'SwiftLint found 3 serious violations',
        fileSource: null,
        category: 'Run script',
      },
      {
        issueType: 'ERROR',
        message: 'Command PhaseScriptExecution failed with a nonzero exit code',
        fileSource: null,
        category: 'Run script',
      },
      {
        issueType: 'ERROR',
        message:
          'Undefined symbol: _OBJC_CLASS_$_MKLegacyStore, referenced from: in LoginViewModel.o',
        fileSource: null,
        category: 'Link',
      },
      {
        issueType: 'ERROR',
        message:
          'Undefined symbol: _MKTrackEvent, referenced from: ' +
          '_$s5MyApp14LoginViewModelC6submityyF in LoginViewModel.o, ' +
          '_$s5MyApp11AppDelegateC11applicationyyF in AppDelegate.o',
        fileSource: null,
        category: 'Link',
      },
      {
        issueType: 'ERROR',
        message: 'symbol(s) not found for architecture arm64',
        fileSource: null,
        category: 'Link',
      },
      {
        issueType: 'ERROR',
        message: 'linker command failed with exit code 1 (use -v to see invocation)',
        fileSource: null,
        category: 'Link',
      },
    ]);
  });

  it('tells static analyzer warnings from compiler warnings', () => {
    assert.deepEqual(issuesOf(fixtureLines('xcodebuild-analyze.log')), [
      {
        issueType: 'ANALYZER_WARNING',
        message:
          "Dereference of null pointer (loaded from variable 'buffer') [core.NullDereference]",
        fileSource: at(`${APP}/MyKit/Legacy.m`, 22),
        category: 'Analyze',
      },
      {
        issueType: 'ANALYZER_WARNING',
        message: "Value stored to 'count' is never read",
        fileSource: at(`${APP}/MyKit/Legacy.m`, 31),
        category: 'Analyze',
      },
      {
        issueType: 'WARNING',
        message: "unused variable 'count' [-Wunused-variable]",
        fileSource: at(`${APP}/MyKit/Legacy.m`, 14),
        category: 'Analyze',
      },
      {
        issueType: 'ANALYZER_WARNING',
        message: "Potential leak of an object stored into 'dict'",
        fileSource: at(`${APP}/MyKit/Store.m`, 48),
        category: 'Analyze',
      },
      {
        issueType: 'WARNING',
        message:
          "'archiveRootObject:toFile:' is deprecated: first deprecated in macOS 10.14 " +
          '[-Wdeprecated-declarations]',
        fileSource: at(`${APP}/MyKit/Cache.m`, 9),
        category: 'Compile',
      },
      {
        issueType: 'ANALYZER_WARNING',
        message: "Potential leak of an object stored into 'entry' [osx.cocoa.RetainCount]",
        fileSource: at(`${APP}/MyKit/Cache.m`, 17),
        category: 'Analyze',
      },
    ]);
  });

  it('ignores the tab-indented lines of the closing "Testing failed:" summary', () => {
    const lines = [
      "/p/App/Feed.swift:9:5: error: cannot find 'load' in scope",
      'Testing failed:',
      "\tCannot find 'load' in scope",
      '\tTesting cancelled because the build failed.',
      '',
      '** TEST FAILED **',
    ];
    assert.deepEqual(issuesOf(lines), [
      {
        issueType: 'ERROR',
        message: "cannot find 'load' in scope",
        fileSource: at('/p/App/Feed.swift', 9),
        category: 'Compile',
      },
    ]);
  });
});

describe('DiagnosticsParser on gcc, SwiftPM and linkers', () => {
  it('reads gcc output with source excerpts and a GNU ld failure', () => {
    assert.deepEqual(issuesOf(fixtureLines('gcc-make.log')), [
      {
        issueType: 'WARNING',
        message: 'unused variable ‘len’ [-Wunused-variable]',
        fileSource: at('src/parse.c', 42),
        category: 'Compile',
      },
      {
        issueType: 'ERROR',
        message: '‘struct header’ has no member named ‘size’',
        fileSource: at('src/parse.c', 57),
        category: 'Compile',
      },
      {
        issueType: 'ERROR',
        message: "main.c:(.text.startup+0x1a): undefined reference to `parse_header'",
        fileSource: null,
        category: 'Link',
      },
      {
        issueType: 'ERROR',
        message: 'ld returned 1 exit status',
        fileSource: null,
        category: 'Link',
      },
    ]);
  });

  it('reads swift build output, including errors with no location', () => {
    assert.deepEqual(issuesOf(fixtureLines('swiftpm-build.log')), [
      {
        issueType: 'ERROR',
        message: "value of type 'Token' has no member 'kindName'",
        fileSource: at('/home/ci/work/núcleo/Sources/Núcleo/Parser.swift', 18),
        category: 'Compile',
      },
      {
        issueType: 'ERROR',
        message: 'emit-module command failed with exit code 1 (use -v to see invocation)',
        fileSource: null,
        category: 'Compile',
      },
      { issueType: 'ERROR', message: 'fatalError', fileSource: null, category: 'Compile' },
    ]);
  });

  it('flushes an ld-prime undefined-symbols block that ends the output', () => {
    const lines = [
      'ld: Undefined symbols:',
      '  _sqlite3_open, referenced from:',
      '      _main in main.o',
    ];
    assert.deepEqual(issuesOf(lines), [
      {
        issueType: 'ERROR',
        message: 'Undefined symbol: _sqlite3_open, referenced from: _main in main.o',
        fileSource: null,
        category: 'Link',
      },
    ]);
  });

  it('reports an undefined-symbols header with no symbols under it as it is', () => {
    const lines = ['Undefined symbols for architecture x86_64:', 'ld: 0 symbols'];
    assert.deepEqual(
      issuesOf(lines).map((issue) => issue.message),
      ['Undefined symbols for architecture x86_64', '0 symbols'],
    );
  });

  it('reports duplicate symbols with the objects that define them', () => {
    const lines = [
      "duplicate symbol '_kTimeout' in:",
      '    /build/Objects-normal/arm64/Network.o',
      '    /build/Objects-normal/arm64/Cache.o',
      'ld: 1 duplicate symbols',
    ];
    assert.deepEqual(issuesOf(lines), [
      {
        issueType: 'ERROR',
        message:
          "duplicate symbol '_kTimeout' in: /build/Objects-normal/arm64/Network.o, " +
          '/build/Objects-normal/arm64/Cache.o',
        fileSource: null,
        category: 'Link',
      },
      { issueType: 'ERROR', message: '1 duplicate symbols', fileSource: null, category: 'Link' },
    ]);
  });

  it('reads linker warnings and library errors', () => {
    const lines = [
      "ld: warning: search path '/opt/lib' not found",
      'ld: library not found for -lPods-MyApp',
    ];
    assert.deepEqual(issuesOf(lines), [
      {
        issueType: 'WARNING',
        message: "search path '/opt/lib' not found",
        fileSource: null,
        category: 'Link',
      },
      {
        issueType: 'ERROR',
        message: 'library not found for -lPods-MyApp',
        fileSource: null,
        category: 'Link',
      },
    ]);
  });
});

describe('DiagnosticsParser line handling', () => {
  it('strips ANSI colour codes', () => {
    const line =
      "\x1b[1m/src/main.c:3:9: \x1b[0m\x1b[0;1;35mwarning: \x1b[0m\x1b[1munused variable 'x' " +
      '[-Wunused-variable]\x1b[0m';
    assert.deepEqual(issuesOf([line]), [
      {
        issueType: 'WARNING',
        message: "unused variable 'x' [-Wunused-variable]",
        fileSource: at('/src/main.c', 3),
        category: 'Compile',
      },
    ]);
  });

  it('keeps only what follows the last CR of a progress rewrite, and drops a CRLF', () => {
    const lines = [
      '[ 10%] Building C object\r[ 20%] Building C object\r/src/a.c:1:2: error: expected \';\'',
      '/src/b.c:4:1: warning: no newline at end of file\r',
    ];
    assert.deepEqual(issuesOf(lines), [
      {
        issueType: 'ERROR',
        message: "expected ';'",
        fileSource: at('/src/a.c', 1),
        category: 'Compile',
      },
      {
        issueType: 'WARNING',
        message: 'no newline at end of file',
        fileSource: at('/src/b.c', 4),
        category: 'Compile',
      },
    ]);
  });

  it('keeps colons and brackets in messages and spaces and unicode in paths', () => {
    const line =
      "/Users/Zoë Ça/Mes Apps/Réglages.swift:31:18: error: cannot convert value of type " +
      "'[String: Int]' to specified type 'Int' [#Conversion]";
    assert.deepEqual(issuesOf([line]), [
      {
        issueType: 'ERROR',
        message:
          "cannot convert value of type '[String: Int]' to specified type 'Int' [#Conversion]",
        fileSource: at('/Users/Zoë Ça/Mes Apps/Réglages.swift', 31),
        category: 'Compile',
      },
    ]);
  });

  it('reads a diagnostic with a line but no column', () => {
    assert.deepEqual(issuesOf(['lib/io.c:88: warning: implicit declaration of function']), [
      {
        issueType: 'WARNING',
        message: 'implicit declaration of function',
        fileSource: at('lib/io.c', 88),
        category: 'Compile',
      },
    ]);
  });

  it('does not report notes, remarks, source excerpts or carets', () => {
    const lines = [
      "/src/a.m:20:5: note: 'buffer' initialized to a null pointer value",
      '/src/a.swift:3:1: remark: emitting module',
      'note: Building targets in dependency order',
      '   12 |   fprintf(stderr, "a.c:1:2: error: not a real one");',
      '      |   ^~~~~~~',
      "   | `- error: cannot find 'x' in scope",
      '        ^~~~~',
    ];
    assert.deepEqual(issuesOf(lines), []);
  });

  it('reports a diagnostic repeated in the closing summary once', () => {
    const error = "/src/Feed.swift:9:5: error: cannot find 'load' in scope";
    const issues = issuesOf([error, '** BUILD FAILED **', '', error]);
    assert.equal(issues.length, 1);
  });

  it('keeps diagnostics that differ in type, line or message apart', () => {
    const lines = [
      '/src/a.c:1:1: warning: x',
      '/src/a.c:1:1: error: x',
      '/src/a.c:2:1: warning: x',
      '/src/a.c:1:1: warning: y',
      '/src/a.c:1:9: warning: x',
    ];
    const found = issuesOf(lines);
    assert.deepEqual(
      found.map((issue) => [issue.issueType, issue.fileSource?.lineNumber, issue.message]),
      [
        ['WARNING', 1, 'x'],
        ['ERROR', 1, 'x'],
        ['WARNING', 2, 'x'],
        ['WARNING', 1, 'y'],
      ],
    );
  });

  it('leaves XCTest assertion failures to the test parser', () => {
    const lines = [
      '/p/LoginTests.swift:42: error: -[AppTests.LoginTests testFoo] : XCTAssertTrue failed',
      '/p/LoginTests.swift:42: error: LoginTests.testFoo : XCTAssertTrue failed',
      '<unknown>:0: error: -[AppTests.LoginTests testBar] : failed: caught error: "boom"',
      'Swift/ContiguousArrayBuffer.swift:600: Fatal error: Index out of range',
    ];
    assert.deepEqual(issuesOf(lines), []);
  });

  it('reads tool-prefixed and bare diagnostics without a file', () => {
    const lines = [
      "<unknown>:0: error: unable to load standard library for target 'arm64-apple-macosx14.0'",
      "clang: error: no such file or directory: 'Missing.m'",
      "xcodebuild: error: 'App.xcodeproj' does not exist.",
      'warning: Run script build phase \'Lint\' will be run during every build',
      'Build step 3: error: not a diagnostic, just prose',
    ];
    assert.deepEqual(issuesOf(lines), [
      {
        issueType: 'ERROR',
        message: "unable to load standard library for target 'arm64-apple-macosx14.0'",
        fileSource: null,
        category: 'Compile',
      },
      {
        issueType: 'ERROR',
        message: "no such file or directory: 'Missing.m'",
        fileSource: null,
        category: 'Compile',
      },
      {
        issueType: 'ERROR',
        message: "'App.xcodeproj' does not exist.",
        fileSource: null,
        category: 'Compile',
      },
      {
        issueType: 'WARNING',
        message: "Run script build phase 'Lint' will be run during every build",
        fileSource: null,
        category: 'Compile',
      },
    ]);
  });

  it('uses the configured category where the output names none', () => {
    const lines = ['error: Carthage/Build is missing', '/ci/ci_post_clone.sh:12: warning: slow'];
    assert.deepEqual(
      issuesOf(lines, 'Run script').map((issue) => issue.category),
      ['Run script', 'Run script'],
    );
  });
});
