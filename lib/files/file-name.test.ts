import { describe, expect, it } from 'vitest';
import { safeFileName } from './file-name';

describe('safeFileName', () => {
  it('keeps an ordinary name', () => {
    expect(safeFileName('holiday photos.zip')).toBe('holiday photos.zip');
    expect(safeFileName('Übersicht – März.pdf')).toBe('Übersicht – März.pdf');
  });

  it('drops any path', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Windows\\system32\\evil.dll')).toBe('evil.dll');
  });

  it('removes control and direction characters, and reserved ones', () => {
    expect(safeFileName('invoice\u202Etxt.exe')).toBe('invoicetxt.exe');
    expect(safeFileName('a\u0000b\nc.txt')).toBe('abc.txt');
    expect(safeFileName('what?<script>.html')).toBe('what__script_.html');
  });

  it('never gives a hidden, empty or device name', () => {
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('...')).toBe('file');
    expect(safeFileName('/')).toBe('file');
    expect(safeFileName('CON.txt')).toBe('_CON.txt');
    expect(safeFileName('name. . ')).toBe('name');
  });

  it('shortens a long name but keeps its extension', () => {
    const name = safeFileName(`${'a'.repeat(400)}.tar.gz`);
    expect(name.length).toBe(200);
    expect(name.endsWith('.gz')).toBe(true);
  });
});
