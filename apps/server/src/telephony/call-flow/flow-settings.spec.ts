import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEG_SCREENING_TIMEOUT_MS } from './flow-settings';

describe('the bound on screening a parent\'s answer', () => {
  it('leaves Asterisk\'s answering-machine detection (amd.conf total_analysis_time) two seconds to hand the leg over', () => {
    const amd = readFileSync(join(__dirname, '../../../../../asterisk-config/service/amd.conf'), 'utf8');
    const match = /^total_analysis_time\s*=\s*(\d+)/m.exec(amd);
    expect(match).not.toBeNull();
    expect(Number(match![1]) + 2_000).toBeLessThanOrEqual(LEG_SCREENING_TIMEOUT_MS);
  });
});
