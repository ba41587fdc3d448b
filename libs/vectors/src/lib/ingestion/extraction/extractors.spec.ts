import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { extractDocument } from './document-extractor';
import { extractHtml } from './html-extractor';
import { extractMarkdown } from './markdown-extractor';
import { extractPdf } from './pdf-extractor';

const sectionTexts = (document: { text: string; sections: Array<{ headingPath: string[]; start: number; end: number }> }) =>
  document.sections.map((section) => ({ path: section.headingPath.join(' > '), text: document.text.slice(section.start, section.end) }));

describe('extractors', () => {
  it('Markdown: heading paths by level, plain text of lists, tables, quotes and code; no markup', () => {
    const document = extractMarkdown(
      [
        'Intro before any heading.',
        '# Title',
        '## A',
        'Some *emphasis*, a [link](https://x.test) and `code`.',
        '- one\n- two',
        '| h1 | h2 |\n| --- | --- |\n| c1 | c2 |',
        '### A.1',
        '> quoted',
        'Setext B\n--------',
        '```js\nconst x = 1;\n```',
      ].join('\n\n'),
    );
    expect(sectionTexts(document)).toEqual([
      { path: '', text: 'Intro before any heading.' },
      { path: 'Title > A', text: 'Title\n\nA\n\nSome emphasis, a link and code.\n\n- one\n- two\n\nh1 | h2\nc1 | c2' },
      { path: 'Title > A > A.1', text: 'A.1\n\nquoted' },
      { path: 'Title > Setext B', text: 'Setext B\n\nconst x = 1;' },
    ]);
  });

  it('HTML: scripts, styles and head dropped, entities decoded, headings open sections, blocks end paragraphs', () => {
    const document = extractHtml(
      '<!doctype html><html><head><title>x</title><script>var secret=1</script></head><body><h1>Top</h1><div>One&nbsp;<span>two</span></div><p>Three &lt;four&gt;</p><h3>Deep</h3><table><tr><td>a</td><td>b</td></tr></table><noscript>nope</noscript><h2>Side</h2>tail</body></html>',
    );
    expect(sectionTexts(document)).toEqual([
      { path: 'Top', text: 'Top\n\nOne two\n\nThree <four>' },
      { path: 'Top > Deep', text: 'Deep\n\na b' },
      { path: 'Top > Side', text: 'Side\n\ntail' },
    ]);
  });

  it('PDF: one section per page; junk that is not a PDF, or a broken one, fails with extraction_failed', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    for (const text of ['First page text', 'Second page text']) pdf.addPage().drawText(text, { x: 40, y: 700, size: 14, font });
    const document = await extractPdf(await pdf.save());
    expect(sectionTexts(document)).toEqual([
      { path: '', text: 'First page text' },
      { path: '', text: 'Second page text' },
    ]);
    await expect(extractPdf(Buffer.from('hello, not a pdf'))).rejects.toMatchObject({ code: 'vectors.extraction_failed' });
    await expect(extractPdf(Buffer.from('%PDF-1.4\n%garbage\n'.repeat(10)))).rejects.toMatchObject({ code: 'vectors.extraction_failed' });
  });

  it('text formats from bytes must be UTF-8 without NUL; the BOM is dropped', async () => {
    await expect(extractDocument('text', { kind: 'bytes', bytes: Buffer.from([0x61, 0x00, 0x62]) })).rejects.toMatchObject({ code: 'vectors.extraction_failed' });
    await expect(extractDocument('markdown', { kind: 'bytes', bytes: Buffer.from([0x61, 0xc3, 0x28]) })).rejects.toMatchObject({ code: 'vectors.extraction_failed' });
    const document = await extractDocument('text', { kind: 'bytes', bytes: Buffer.from('\uFEFFhello\r\nworld') });
    expect(document.text).toBe('hello\nworld');
  });
});
