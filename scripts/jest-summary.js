// Prints "N passed, N failed" from jest's JSON report; fails when the report is missing or no
// test ran (a green run with zero tests proves nothing).
const fs = require('node:fs');
const file = process.argv[2];
let report;
try {
  report = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (error) {
  console.log('0 passed, 1 failed');
  console.error(`no jest report at ${file}: ${error.message}`);
  process.exit(1);
}
const failed = report.numFailedTests + (report.numRuntimeErrorTestSuites || 0);
console.log(`${report.numPassedTests} passed, ${failed} failed`);
process.exit(report.numPassedTests > 0 && failed === 0 ? 0 : 1);
