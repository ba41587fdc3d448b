import { encode } from 'gpt-tokenizer';
import type { ExtractedDocument, ExtractedSection } from './extraction/extracted-document';

export interface ChunkingPolicy {
  strategy: 'fixed' | 'heading_aware';
  maxTokens: number;
  overlapTokens: number;
}

/** One chunk: an exact slice `text.slice(start, end)` of the extracted text. */
export interface TextChunk {
  position: number;
  start: number;
  end: number;
  /** The heading path ("Guide > Install"), or null (fixed chunking, text before any heading). */
  heading: string | null;
  text: string;
  tokenCount: number;
}

/** A piece the packer never splits: a sentence, or a word of an overlong sentence. */
interface Unit {
  start: number;
  end: number;
  tokens: number;
}

/** Tokens as the OpenAI tokenizer (o200k) counts them: close enough for every embedding model's budget. */
export function countTokens(text: string): number {
  return encode(text).length;
}

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });
const words = new Intl.Segmenter('en', { granularity: 'word' });

/**
 * Splits extracted text into chunks of about `maxTokens` tokens at most, consecutive chunks sharing up to `overlapTokens` tokens of whole sentences. Chunks
 * end at sentence boundaries, and at word boundaries inside overlong sentences.
 *
 * `heading_aware` chunks each section on its own, so a chunk never spans two headings, except that
 * a small section (under a quarter of `maxTokens`) is merged with its neighbours while the merged
 * text fits in one chunk; the merged chunk carries the sections' common heading path. `fixed`
 * ignores headings.
 */
export function chunkDocument(document: ExtractedDocument, policy: ChunkingPolicy): TextChunk[] {
  const ranges = policy.strategy === 'fixed' ? fixedRange(document) : headingGroups(document, policy.maxTokens);
  const chunks: TextChunk[] = [];
  for (const range of ranges) {
    for (const [start, end] of pack(units(document.text, range.start, range.end, policy.maxTokens), policy)) {
      const text = document.text.slice(start, end);
      chunks.push({ position: chunks.length, start, end, heading: range.heading, text, tokenCount: countTokens(text) });
    }
  }
  return chunks;
}

interface Range {
  start: number;
  end: number;
  heading: string | null;
}

function fixedRange(document: ExtractedDocument): Range[] {
  return document.text.trim() ? [{ start: 0, end: document.text.length, heading: null }] : [];
}

function headingGroups(document: ExtractedDocument, maxTokens: number): Range[] {
  const small = Math.floor(maxTokens / 4);
  const groups: Array<{ sections: ExtractedSection[]; tokens: number }> = [];
  for (const section of document.sections) {
    const tokens = countTokens(document.text.slice(section.start, section.end));
    const last = groups.at(-1);
    if (last && last.tokens + tokens <= maxTokens && (last.tokens < small || tokens < small)) {
      last.sections.push(section);
      last.tokens += tokens;
    } else {
      groups.push({ sections: [section], tokens });
    }
  }
  return groups.map(({ sections: members }) => ({
    start: members[0]?.start ?? 0,
    end: members.at(-1)?.end ?? 0,
    heading: headingOf(members.map((member) => member.headingPath)),
  }));
}

/** The common heading path of merged sections, else the first one's; null when there is none. */
function headingOf(paths: string[][]): string | null {
  const first = paths[0] ?? [];
  let common = 0;
  while (common < first.length && paths.every((path) => path[common] === first[common])) common++;
  const path = common > 0 ? first.slice(0, common) : first;
  return path.length ? path.join(' > ') : null;
}

/** The sentences of text[start, end), trimmed, overlong ones split into words. */
function units(text: string, start: number, end: number, maxTokens: number): Unit[] {
  const out: Unit[] = [];
  const slice = text.slice(start, end);
  for (const segment of sentences.segment(slice)) {
    const trimmed = trim(segment.segment, start + segment.index);
    if (!trimmed) continue;
    const tokens = countTokens(text.slice(trimmed.start, trimmed.end));
    if (tokens <= maxTokens) out.push({ ...trimmed, tokens });
    else out.push(...wordUnits(text, trimmed.start, trimmed.end, maxTokens));
  }
  return out;
}

function wordUnits(text: string, start: number, end: number, maxTokens: number): Unit[] {
  const spans: Array<{ start: number; end: number }> = [];
  for (const segment of words.segment(text.slice(start, end))) {
    const trimmed = trim(segment.segment, start + segment.index);
    if (!trimmed) continue;
    const last = spans.at(-1);
    // Punctuation stays with the word before it; only word-like segments start a unit.
    if (last && !segment.isWordLike) last.end = trimmed.end;
    else spans.push(trimmed);
  }
  const out: Unit[] = [];
  for (const span of spans) {
    const tokens = countTokens(text.slice(span.start, span.end));
    if (tokens <= maxTokens) {
      out.push({ ...span, tokens });
      continue;
    }
    // One "word" longer than a chunk (a long URL, base64): cut it by characters, in proportion.
    const step = Math.max(1, Math.floor(((span.end - span.start) * maxTokens) / tokens));
    for (let at = span.start; at < span.end; at += step) {
      const pieceEnd = Math.min(span.end, at + step);
      out.push({ start: at, end: pieceEnd, tokens: countTokens(text.slice(at, pieceEnd)) });
    }
  }
  return out;
}

function trim(segment: string, offset: number): { start: number; end: number } | null {
  const leading = segment.length - segment.trimStart().length;
  const trailing = segment.length - segment.trimEnd().length;
  if (leading === segment.length) return null;
  return { start: offset + leading, end: offset + segment.length - trailing };
}

/** Greedy packing of units into [start, end) ranges with overlap of whole units. */
function pack(list: Unit[], policy: ChunkingPolicy): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let from = 0;
  while (from < list.length) {
    let to = from;
    let tokens = 0;
    while (to < list.length && (to === from || tokens + (list[to]?.tokens ?? 0) <= policy.maxTokens)) {
      tokens += list[to]?.tokens ?? 0;
      to++;
    }
    out.push([list[from]?.start ?? 0, list[to - 1]?.end ?? 0]);
    if (to >= list.length) break;
    let next = to;
    let overlap = 0;
    while (next - 1 > from && overlap + (list[next - 1]?.tokens ?? 0) <= policy.overlapTokens) {
      overlap += list[next - 1]?.tokens ?? 0;
      next--;
    }
    from = next;
  }
  return out;
}
