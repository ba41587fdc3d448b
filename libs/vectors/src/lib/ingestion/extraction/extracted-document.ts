/** A run of the extracted text under one heading path (empty path: no heading). */
export interface ExtractedSection {
  headingPath: string[];
  start: number;
  end: number;
}

/**
 * A document's plain text as the worker indexes it, with its sections. Chunk spans are character
 * offsets into `text` (for plain text: the source with line endings normalized).
 */
export interface ExtractedDocument {
  text: string;
  sections: ExtractedSection[];
}

const BLOCK_SEPARATOR = '\n\n';

/**
 * Builds an ExtractedDocument block by block: a heading opens a section (its text is the section's
 * first line) and sets the heading path by level (an h2 after an h3 closes the h3).
 */
export class ExtractedTextBuilder {
  private text = '';
  private readonly sections: ExtractedSection[] = [];
  private readonly headings: Array<{ level: number; text: string }> = [];
  private current: ExtractedSection | undefined;
  private currentHasBody = false;

  heading(level: number, text: string): void {
    const clean = collapse(text);
    if (!clean) return;
    while (this.headings.length && (this.headings.at(-1)?.level ?? 0) >= level) this.headings.pop();
    this.headings.push({ level, text: clean });
    // A heading with no text of its own (a title straight before its first subsection) stays in
    // front of the next section instead of becoming a section of one line.
    const carried = this.current && !this.currentHasBody ? this.current.start : undefined;
    if (carried === undefined) this.closeSection();
    const start = this.append(clean);
    this.current = { headingPath: this.headings.map((h) => h.text), start: carried ?? start, end: 0 };
    this.currentHasBody = false;
  }

  block(text: string): void {
    const clean = text.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
    if (!clean) return;
    const start = this.append(clean);
    if (!this.current) this.current = { headingPath: [], start, end: 0 };
    this.currentHasBody = true;
  }

  /** A hard section break without a heading (a PDF page). */
  section(text: string): void {
    this.closeSection();
    this.headings.length = 0;
    this.block(text);
  }

  build(): ExtractedDocument {
    this.closeSection();
    return { text: this.text, sections: this.sections };
  }

  get length(): number {
    return this.text.length;
  }

  private append(piece: string): number {
    if (this.text.length) this.text += BLOCK_SEPARATOR;
    const start = this.text.length;
    this.text += piece;
    return start;
  }

  private closeSection(): void {
    this.currentHasBody = false;
    if (this.current) {
      this.current.end = this.text.length;
      if (this.current.end > this.current.start) this.sections.push(this.current);
    }
    this.current = undefined;
  }
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
