import { describe, expect, it } from 'vitest';
import type { DivergenceReport } from '../../shared/contract';
import { csvCell } from '../../shared/csv';
import { reportCsv } from '../../renderer/features/divergence/export';
import { auditToCsv } from '../../renderer/features/audit/csv';
import { printable, printableLine } from '../../electron/cli/format/printable';
import { redactToken, tokenCookie } from '../../electron/server/guards';

const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r'];

/** The cells of one CSV line, unquoted (RFC 4180). */
function cells(line: string): string[] {
  const out: string[] = [];
  const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
  for (const m of line.matchAll(re)) {
    if (m.index === line.length && m[0] === '') break;
    const raw = m[1]!;
    out.push(raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw);
  }
  return out;
}

describe('every CSV export is formula-safe (docs/doors.md "Hostile input")', () => {
  it.each(FORMULA_STARTS)('no cell starts with %j in the divergence or the audit export', (c) => {
    const report = {
      items: [
        {
          category: 'mismatch',
          job_id: `${c}cmd|' /C calc'!A0`,
          workspace_id: `${c}ws`,
          fields: [`${c}HYPERLINK("http://evil")`],
          key: `${c}key`,
          old_workspace: `${c}old`,
        },
      ],
    } as unknown as DivergenceReport;
    const divergence = reportCsv(report).split('\n')[1]!;
    const audit = auditToCsv([
      {
        id: '1',
        time: `${c}t`,
        actor: `${c}a`,
        operation: `${c}o`,
        target: `${c}x`,
        outcome: `${c}y`,
        host_user: `${c}h`,
      },
    ]).split('\r\n')[1]!;
    const written = [...cells(divergence).slice(1), ...cells(audit)].filter((cell) => cell !== '');
    expect(written).toHaveLength(11);
    for (const cell of written) {
      expect(cell.startsWith("'"), JSON.stringify(cell)).toBe(true);
    }
  });

  it('leaves ordinary cells alone', () => {
    expect(csvCell('job-1')).toBe('job-1');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('a=b')).toBe('a=b');
  });
});

describe('the token never reaches a log line, however it is encoded', () => {
  const token = 'ab12'.repeat(12);
  const pct = (s: string) => [...s].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
  it.each([
    `/?token=${token}`,
    `/?%74oken=${token}`,
    `/?%74%6F%6B%65%6E=${pct(token)}`,
    `/?TOKEN=${token}&a=1`,
    `/?x=1&+token+=${token}`,
    `/?other=${pct(token)}%ff`,
    `/${token.toUpperCase()}/x`,
    `/?token=${token.slice(0, 10)}%${token.slice(10, 12)}${token.slice(12)}`,
  ])('%s', (url) => {
    const line = redactToken(url, token);
    expect(line.toLowerCase()).not.toContain(token.slice(0, 20));
    // eslint-disable-next-line no-control-regex -- no control character may be left
    expect(line).not.toMatch(/[\u0000-\u001f]/);
  });

  it('keeps the rest of the URL readable and its control characters escaped', () => {
    expect(redactToken('/api/events?token=s3cr3t&x=1')).toBe('/api/events?token=[redacted]&x=1');
    expect(redactToken('/p?a=%0d%0aX')).toBe('/p?a=\\x0d\\x0aX');
    expect(redactToken('/p?a=%zz')).toBe('/p?a=%zz');
  });

  it('builds the cookie from a hex token only', () => {
    expect(tokenCookie(4000, 'ab12')).toBe(
      'queuescope_token_4000=ab12; Path=/; HttpOnly; SameSite=Strict',
    );
    expect(() => tokenCookie(4000, 'ab;Domain=x')).toThrow();
  });
});

describe('CLI text shows control characters escaped', () => {
  it('escapes C0, DEL, C1 and bidi controls, keeping the layout line breaks', () => {
    expect(printable('a\u001b[2Jb\u0007\r\u007f\u009b\u202e\nnext')).toBe(
      'a\\x1b[2Jb\\x07\\r\\x7f\\x9b\\u202e\nnext',
    );
    expect(printableLine('one\ntwo\tthree')).toBe('one\\ntwo\\tthree');
    expect(printable('plain ≠ text é')).toBe('plain ≠ text é');
  });
});
