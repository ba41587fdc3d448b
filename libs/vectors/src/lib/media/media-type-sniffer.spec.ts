import { describe, expect, it } from 'vitest';
import { UnsupportedMediaTypeError } from './media.errors';
import { baseMediaType, sniffMediaType } from './media-type-sniffer';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201e221bc330000000049454e44ae426082', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffdb004300', 'hex');
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n');
const ZIP = Buffer.from('504b0304140000000800', 'hex');

async function refusal(head: Buffer, hints: { filename: string; declaredContentType?: string }): Promise<UnsupportedMediaTypeError> {
  const error = await sniffMediaType(head, hints).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
  return error as UnsupportedMediaTypeError;
}

describe('sniffMediaType', () => {
  it('recognises binary formats by their signature, whatever the name says', async () => {
    expect(await sniffMediaType(PNG, { filename: 'photo.txt' })).toBe('image/png');
    expect(await sniffMediaType(JPEG, { filename: 'x', declaredContentType: 'image/jpg' })).toBe('image/jpeg');
    expect(await sniffMediaType(PDF, { filename: 'doc.pdf', declaredContentType: 'application/pdf' })).toBe('application/pdf');
    expect(await sniffMediaType(PNG, { filename: 'x.png', declaredContentType: 'application/octet-stream' })).toBe('image/png');
  });

  it('tells text types apart by the declared type, the extension, then an HTML opening tag', async () => {
    const text = Buffer.from('# Title\n\nSome *markdown* with ümlauts.\n');
    expect(await sniffMediaType(text, { filename: 'notes.md' })).toBe('text/markdown');
    expect(await sniffMediaType(text, { filename: 'notes' })).toBe('text/plain');
    expect(await sniffMediaType(text, { filename: 'notes', declaredContentType: 'text/markdown; charset=utf-8' })).toBe('text/markdown');
    expect(await sniffMediaType(Buffer.from('\uFEFF  <!DOCTYPE html><html><body>x</body></html>'), { filename: 'page' })).toBe('text/html');
    expect(await sniffMediaType(Buffer.from('<p>fragment</p>'), { filename: 'page.htm' })).toBe('text/html');
  });

  it('refuses a declared type the bytes contradict, naming both', async () => {
    const fakePng = await refusal(Buffer.from('just some text'), { filename: 'x.png', declaredContentType: 'image/png' });
    expect(fakePng.code).toBe('vectors.unsupported_media_type');
    expect(fakePng.kind).toBe('unsupported_media_type');
    expect(fakePng.details).toMatchObject({ detected: 'text/plain', declared: 'image/png' });
    expect(fakePng.message).toContain('image/png');
    const pdfAsText = await refusal(PDF, { filename: 'x.txt', declaredContentType: 'text/plain' });
    expect(pdfAsText.details).toMatchObject({ detected: 'application/pdf', declared: 'text/plain' });
  });

  it('refuses types outside the allowed list, listing the allowed ones', async () => {
    const zip = await refusal(ZIP, { filename: 'a.zip' });
    expect(zip.details).toMatchObject({ detected: 'application/zip' });
    expect(zip.message).toContain('image/webp');
    const binary = await refusal(Buffer.from([0, 1, 2, 3, 254, 255]), { filename: 'blob' });
    expect(binary.details).toMatchObject({ detected: 'application/octet-stream' });
    const invalidUtf8 = await refusal(Buffer.from([0x68, 0x69, 0xc3, 0x28, 0x20]), { filename: 'x.txt' });
    expect(invalidUtf8.details).toMatchObject({ detected: 'application/octet-stream' });
    await refusal(Buffer.from('{"a":1}'), { filename: 'a.json', declaredContentType: 'application/json' });
  });

  it('accepts a UTF-8 sequence cut at the end of the sample', async () => {
    const cut = Buffer.concat([Buffer.from('hello '), Buffer.from('ü').subarray(0, 1)]);
    expect(await sniffMediaType(cut, { filename: 'a.txt' })).toBe('text/plain');
  });

  it('normalises declared types', () => {
    expect(baseMediaType(' Text/HTML ; charset=UTF-8')).toBe('text/html');
    expect(baseMediaType(undefined)).toBe('');
  });
});
