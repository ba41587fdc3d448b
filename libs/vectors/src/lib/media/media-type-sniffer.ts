import { fileTypeFromBuffer } from 'file-type';
import { UnsupportedMediaTypeError } from './media.errors';

export const TEXT_MEDIA_TYPES = ['text/plain', 'text/markdown', 'text/html'] as const;
export const IMAGE_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export const ALLOWED_MEDIA_TYPES: readonly string[] = [...TEXT_MEDIA_TYPES, 'application/pdf', ...IMAGE_MEDIA_TYPES];

/** What clients send when they do not know the type: no claim at all. */
const NO_CLAIM = new Set(['', 'application/octet-stream', 'binary/octet-stream']);
const ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'text/x-markdown': 'text/markdown', 'application/x-pdf': 'application/pdf' };

export function isImageType(contentType: string): boolean {
  return (IMAGE_MEDIA_TYPES as readonly string[]).includes(contentType);
}

export function isTextType(contentType: string): boolean {
  return (TEXT_MEDIA_TYPES as readonly string[]).includes(contentType);
}

/** `Text/HTML; charset=utf-8` → `text/html`, with common aliases folded. */
export function baseMediaType(value: string | undefined): string {
  const base = (value ?? '').split(';')[0].trim().toLowerCase();
  return ALIASES[base] ?? base;
}

/**
 * The type of a file from its first bytes, never from the client's word alone: binary formats by
 * their signature (file-type), text by being valid UTF-8 without control bytes. Text has no
 * signature telling Markdown from plain text, so the declared type or the file name's extension
 * picks among the text types (HTML is also recognised by its opening tag). A declared type that
 * contradicts the bytes (a "PNG" that is text, a "text" that is a PDF) or a type outside
 * {@link ALLOWED_MEDIA_TYPES} is refused with 415 naming what was detected.
 */
export async function sniffMediaType(head: Buffer, hints: { filename: string; declaredContentType?: string }): Promise<string> {
  const declared = baseMediaType(hints.declaredContentType);
  const claimed = NO_CLAIM.has(declared) ? undefined : declared;
  const signature = await fileTypeFromBuffer(head);
  const detected = signature ? (ALIASES[signature.mime] ?? signature.mime) : looksLikeText(head) ? textTypeOf(head, hints.filename, claimed) : 'application/octet-stream';

  if (!ALLOWED_MEDIA_TYPES.includes(detected)) {
    throw new UnsupportedMediaTypeError(`The file's bytes are ${detected}, which the media store does not accept.`, { detected, declared: claimed, allowed: ALLOWED_MEDIA_TYPES });
  }
  if (claimed !== undefined && claimed !== detected && !(isTextType(claimed) && isTextType(detected))) {
    throw new UnsupportedMediaTypeError(`The file was declared as ${claimed.slice(0, 100)} but its bytes are ${detected}.`, { detected, declared: claimed.slice(0, 100), allowed: ALLOWED_MEDIA_TYPES });
  }
  return detected;
}

function textTypeOf(head: Buffer, filename: string, claimed: string | undefined): string {
  if (claimed && isTextType(claimed)) return claimed;
  if (claimed) return 'text/plain'; // a non-text claim on text: the caller reports the contradiction
  const extension = filename.toLowerCase().split('.').pop() ?? '';
  if (['md', 'markdown', 'mdown', 'mkd'].includes(extension)) return 'text/markdown';
  if (['html', 'htm', 'xhtml'].includes(extension)) return 'text/html';
  const start = head.toString('utf8', 0, 512).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'text/html';
  return 'text/plain';
}

/** Valid UTF-8 (a sequence cut at the end of the sample is fine) without NUL or other C0 control bytes but tab, CR, LF, FF. */
function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  for (const byte of head) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) return false;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}
