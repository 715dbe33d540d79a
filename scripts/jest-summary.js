// Prints "N passed, N failed" from jest's JSON reports (one per jest run of npm test); fails when
// a report is missing or no test ran (a green run with zero tests proves nothing).
const fs = require('node:fs');
let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.numRuntimeErrorTestSuites || 0);
  } catch (error) {
    failed += 1;
    console.error(`no jest report at ${file}: ${error.message}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(passed > 0 && failed === 0 ? 0 : 1);
