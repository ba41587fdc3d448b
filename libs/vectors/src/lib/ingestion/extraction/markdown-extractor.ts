import { marked, type Token, type Tokens } from 'marked';
import { ExtractedTextBuilder, type ExtractedDocument } from './extracted-document';
import { htmlFragmentText } from './html-extractor';

/**
 * Markdown through marked's lexer (GFM): headings open sections (ATX and setext), paragraphs,
 * lists, tables, code and quotes become plain-text blocks; markup, link targets and raw HTML tags
 * are dropped.
 */
export function extractMarkdown(source: string): ExtractedDocument {
  const builder = new ExtractedTextBuilder();
  const tokens = marked.lexer(source.replace(/\r\n?/g, '\n'), { gfm: true });
  for (const token of tokens) {
    if (token.type === 'heading') builder.heading((token as Tokens.Heading).depth, inline((token as Tokens.Heading).tokens));
    else builder.block(blockText(token));
  }
  return builder.build();
}

function blockText(token: Token): string {
  switch (token.type) {
    case 'space':
    case 'hr':
    case 'def':
      return '';
    case 'heading':
    case 'paragraph':
      return inline((token as Tokens.Paragraph).tokens);
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens) : text.text;
    }
    case 'code':
      return (token as Tokens.Code).text;
    case 'blockquote':
      return (token as Tokens.Blockquote).tokens.map(blockText).filter(Boolean).join('\n');
    case 'list':
      return (token as Tokens.List).items.map((item) => `- ${item.tokens.map(blockText).filter(Boolean).join('\n')}`).join('\n');
    case 'table': {
      const table = token as Tokens.Table;
      const row = (cells: Tokens.TableCell[]) => cells.map((cell) => inline(cell.tokens)).join(' | ');
      return [row(table.header), ...table.rows.map(row)].join('\n');
    }
    case 'html':
      return htmlFragmentText((token as Tokens.HTML).text);
    default:
      return 'tokens' in token && Array.isArray(token.tokens) ? inline(token.tokens) : 'text' in token && typeof token.text === 'string' ? token.text : '';
  }
}

function inline(tokens: Token[] | undefined): string {
  if (!tokens) return '';
  return tokens
    .map((token) => {
      switch (token.type) {
        case 'br':
          return '\n';
        case 'html':
          return '';
        case 'image':
          return (token as Tokens.Image).text;
        case 'codespan':
        case 'escape':
          return (token as Tokens.Codespan).text;
        default:
          return 'tokens' in token && Array.isArray(token.tokens) ? inline(token.tokens) : 'text' in token && typeof token.text === 'string' ? token.text : '';
      }
    })
    .join('');
}
