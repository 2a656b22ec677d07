import { describe, expect, it } from 'vitest';
import { auditToCsv, csvCell } from '../../renderer/features/audit/csv';

describe('audit CSV', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@sum')).toBe("'@sum");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
  });

  it('writes a header and one row per entry, details and host user empty when absent', () => {
    const csv = auditToCsv([
      {
        id: '1-0',
        time: '2026-01-01T00:00:00.000Z',
        actor: 'ops',
        operation: 'setFlag',
        target: 'ai:flags:new_schema',
        outcome: 'ok',
        details: 'on',
      },
      {
        id: '2-0',
        time: 't',
        actor: 'a',
        operation: 'retry',
        target: 'j',
        outcome: 'CONFLICT: x, y',
        host_user: 'alice',
      },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'time,actor,operation,target,outcome,details,host_user',
      '2026-01-01T00:00:00.000Z,ops,setFlag,ai:flags:new_schema,ok,on,',
      't,a,retry,j,"CONFLICT: x, y",,alice',
      '',
    ]);
  });
});
