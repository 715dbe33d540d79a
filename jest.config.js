// Three tiers (see README "Tests"): unit (no I/O), integration (real PostgreSQL),
// e2e (real Asterisk + SIPp + PostgreSQL + the app).
// Type checking is tsc's job (npm run typecheck, and the build in npm test); jest only transpiles.
const tsJest = ['ts-jest', { diagnostics: false }];
// openid-client v6 and its two dependencies are ES modules only: Node 20.19+ loads them with
// require() in the built app, but jest's own module loader cannot, so jest compiles them to CommonJS.
const esmOnly = ['openid-client', 'oauth4webapi', 'jose'];
const esmToCjs = ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' } }];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest, [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: esmToCjs },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  // npm test runs the e2e tier as shards side by side, balanced by running time.
  testSequencer: '<rootDir>/test/support/e2e-shards.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.integration-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};
