import { describe, expect, it } from 'vitest';
import type { RepairResult } from '../../shared/contract';
import { repairText } from '../../electron/cli/format/reports';

/** docs/repair.md: a repair that stops says what it applied; lost replies are never called failed. */
describe('the CLI text of a repair', () => {
  const base: RepairResult = {
    dry_run: false,
    planned: [
      { job_id: 'j-1', workspace_id: 'ws', category: 'mismatch', action: 'copy old -> new' },
    ],
    applied: 1,
    skipped: [],
    report_id: 'r-1',
  };

  it('says where a repair stopped, why, and that the applied fixes are kept', () => {
    const text = repairText({
      ...base,
      stopped: {
        job_id: 'j-2',
        error: {
          code: 'INTERNAL',
          message: 'Redis is out of memory.',
          details: { redis_error: 'OOM' },
        },
      },
    });
    expect(text).toMatch(/Stopped at j-2: Redis is out of memory\. The 1 fixes applied are kept/);
  });

  it('says fixes whose reply was lost may or may not be applied', () => {
    const text = repairText({ ...base, unknown_count: 2 });
    expect(text).toMatch(/2 fixes lost their reply .* may or may not be applied/);
    expect(text).not.toMatch(/Stopped/);
  });
});
