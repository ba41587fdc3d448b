import { describe, expect, it } from 'vitest';
import { chunkDocument, countTokens, type ChunkingPolicy } from './chunker';
import { extractMarkdown } from './extraction/markdown-extractor';
import { extractPlainText } from './extraction/plain-text-extractor';

const sentence = (i: number) => `Sentence number ${i} talks about otters, rivers and the weather in spring.`;
const prose = (count: number, from = 0) => Array.from({ length: count }, (_, i) => sentence(from + i)).join(' ');

describe('chunkDocument', () => {
  const fixed: ChunkingPolicy = { strategy: 'fixed', maxTokens: 60, overlapTokens: 20 };

  it('keeps every chunk within maxTokens, as exact slices of the text, in order', () => {
    const document = extractPlainText(prose(40));
    const chunks = chunkDocument(document, fixed);
    expect(chunks.length).toBeGreaterThan(5);
    chunks.forEach((chunk, index) => {
      expect(chunk.position).toBe(index);
      expect(chunk.text).toBe(document.text.slice(chunk.start, chunk.end));
      expect(chunk.tokenCount).toBe(countTokens(chunk.text));
      expect(chunk.tokenCount).toBeLessThanOrEqual(fixed.maxTokens);
      expect(chunk.heading).toBeNull();
    });
    expect(chunks[0]?.start).toBe(0);
    expect(chunks.at(-1)?.end).toBe(document.text.length);
  });

  it('overlaps consecutive chunks by whole sentences up to overlapTokens', () => {
    const document = extractPlainText(prose(40));
    const chunks = chunkDocument(document, fixed);
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1];
      const current = chunks[i];
      if (!previous || !current) throw new Error('missing chunk');
      expect(current.start).toBeLessThan(previous.end);
      expect(current.start).toBeGreaterThan(previous.start);
      const shared = document.text.slice(current.start, previous.end);
      expect(countTokens(shared)).toBeLessThanOrEqual(fixed.overlapTokens + 2);
      expect(shared.startsWith('Sentence number')).toBe(true);
    }
  });

  it('without overlap, chunks tile the text', () => {
    const document = extractPlainText(prose(30));
    const chunks = chunkDocument(document, { ...fixed, overlapTokens: 0 });
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]?.start).toBeGreaterThanOrEqual(chunks[i - 1]?.end ?? 0);
    expect(chunks.map((chunk) => chunk.text).join(' ')).toBe(document.text);
  });

  it('splits an overlong sentence at words and an overlong word by characters', () => {
    const long = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const blob = 'x'.repeat(5_000);
    const document = extractPlainText(`${long}. ${blob}`);
    const chunks = chunkDocument(document, { strategy: 'fixed', maxTokens: 50, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) expect(chunk.tokenCount).toBeLessThanOrEqual(50);
    expect(chunks.map((chunk) => chunk.text).join('').replace(/\s+/g, '')).toBe(document.text.replace(/\s+/g, ''));
  });

  it('heading-aware: never crosses a heading boundary between sections of normal size, keeps the heading path', () => {
    const markdown = `# Guide\n\n## Install\n\n${prose(12)}\n\n## Configure\n\n${prose(12, 100)}\n\n### Advanced\n\n${prose(12, 200)}`;
    const document = extractMarkdown(markdown);
    const chunks = chunkDocument(document, { strategy: 'heading_aware', maxTokens: 120, overlapTokens: 20 });
    const headings = [...new Set(chunks.map((chunk) => chunk.heading))];
    expect(headings).toEqual(['Guide > Install', 'Guide > Configure', 'Guide > Configure > Advanced']);
    // "Guide" has no text of its own: its line opens the "Install" section.
    const install = chunks.filter((chunk) => chunk.text.includes('Sentence number 0 '));
    expect(install[0]?.heading).toBe('Guide > Install');
    expect(install[0]?.text.startsWith('Guide\n\nInstall')).toBe(true);
    for (const chunk of chunks) {
      const numbers = [...chunk.text.matchAll(/Sentence number (\d+)/g)].map((match) => Math.floor(Number(match[1]) / 100));
      expect(new Set(numbers).size).toBeLessThanOrEqual(1);
      expect(chunk.tokenCount).toBeLessThanOrEqual(120);
    }
  });

  it('heading-aware: merges small sections while they fit', () => {
    const markdown = ['# FAQ', '## Price', 'It costs ten euros.', '## Shipping', 'Ships in two days.', '## Returns', 'Thirty days.'].join('\n\n');
    const chunks = chunkDocument(extractMarkdown(markdown), { strategy: 'heading_aware', maxTokens: 200, overlapTokens: 0 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.heading).toBe('FAQ');
    expect(chunks[0]?.text).toContain('Ships in two days.');
  });

  it('fixed ignores headings', () => {
    const chunks = chunkDocument(extractMarkdown(`# A\n\n${prose(3)}\n\n# B\n\n${prose(3)}`), { strategy: 'fixed', maxTokens: 500, overlapTokens: 0 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.heading).toBeNull();
  });

  it('yields nothing for empty or blank text', () => {
    expect(chunkDocument(extractPlainText('   \n\n  '), fixed)).toEqual([]);
    expect(chunkDocument(extractMarkdown(''), { ...fixed, strategy: 'heading_aware' })).toEqual([]);
  });
});
