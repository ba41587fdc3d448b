import { isTag, isText, type ChildNode } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';
import { ExtractedTextBuilder, type ExtractedDocument } from './extracted-document';

/** Elements whose content is never document text. */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'math', 'iframe', 'object', 'canvas', 'select', 'button']);
/** Elements that end a block of text (everything else flows inline). */
const BLOCKS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'dd', 'details', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header',
  'hr', 'html', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul', 'br', 'caption',
]);

/**
 * HTML through htmlparser2 (forgiving, entities decoded): script, style and other non-text
 * elements are dropped, h1–h6 open sections, block elements end paragraphs, whitespace collapses.
 */
export function extractHtml(source: string): ExtractedDocument {
  const builder = new ExtractedTextBuilder();
  let buffer = '';
  const flush = () => {
    const text = buffer.replace(/\s+/g, ' ').trim();
    if (text) builder.block(text);
    buffer = '';
  };
  const walk = (node: ChildNode): void => {
    if (isText(node)) {
      buffer += node.data;
      return;
    }
    if (!isTag(node)) return;
    const name = node.name.toLowerCase();
    if (SKIPPED.has(name)) return;
    const heading = /^h([1-6])$/.exec(name);
    if (heading) {
      flush();
      builder.heading(Number(heading[1]), DomUtils.textContent(node));
      return;
    }
    const block = BLOCKS.has(name);
    if (block) flush();
    for (const child of node.children) walk(child);
    if (block) flush();
    else if (name === 'td' || name === 'th') buffer += ' ';
  };
  for (const node of parseDocument(source).children) walk(node);
  flush();
  return builder.build();
}

/** The text of an HTML fragment (raw HTML inside Markdown), without its tags, scripts and styles. */
export function htmlFragmentText(html: string): string {
  return extractHtml(html).text;
}
