const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)))

/** Leading bytes of real files of each type (test support, not published). */
export const samples = {
  png: bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR'),
  jpeg: bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF'),
  gif: bytes('GIF89a', [1, 0, 1, 0]),
  webp: bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '),
  pdf: bytes('%PDF-1.7\n%âãÏÓ\n1 0 obj'),
  docx: bytes([0x50, 0x4b, 0x03, 0x04, 20, 0, 6, 0], '[Content_Types].xml'),
  zip: bytes([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0], 'payload.exe'),
  text: bytes('Hotel: Grand Budapest\nCheck-in: 14:00\n'),
  csv: bytes('date,city\n2026-10-01,Cairo\n'),
  html: bytes('  <!DOCTYPE html><script>alert(1)</script>'),
  svg: bytes('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
  binary: bytes([0x00, 0x01, 0x02, 0xff, 0xfe]),
  exe: bytes('MZ', [0x90, 0x00, 0x03]),
}
