// Three tiers (see README "Tests"): unit (no I/O), integration (real PostgreSQL),
// e2e (real Asterisk + SIPp + PostgreSQL + the app).
// Type checking is tsc's job (npm run typecheck, and the build in npm test); jest only transpiles.
const tsJest = ['ts-jest', { diagnostics: false }];
const common = { testEnvironment: 'node', transform: { '^.+\\.ts$': tsJest }, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.integration-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};
