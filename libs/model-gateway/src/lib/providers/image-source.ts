import type { ContentPart } from './model-provider';
import { ProviderError } from './provider-error';

export type ImageSource = { kind: 'base64'; mediaType: string; data: string } | { kind: 'url'; url: string };

type ImagePart = Extract<ContentPart, { type: 'image' }>;

/** An image part as base64 bytes (a `data:` URL counts as bytes) or an https URL; anything else is a caller error. */
export function imageSource(part: ImagePart): ImageSource {
  if (part.data !== undefined) return { kind: 'base64', mediaType: part.mediaType ?? 'image/png', data: part.data };
  const url = part.url ?? '';
  const dataUrl = /^data:([\w.+-]+\/[\w.+-]+);base64,(.*)$/s.exec(url);
  if (dataUrl) return { kind: 'base64', mediaType: dataUrl[1], data: dataUrl[2] };
  if (/^https?:\/\//i.test(url)) return { kind: 'url', url };
  throw new ProviderError('invalid_request', 'an image part needs base64 data or an http(s)/data: URL');
}

/** The image as a URL (a `data:` URL for bytes), for providers that take both in one field. */
export function imageUrl(part: ImagePart): string {
  const source = imageSource(part);
  return source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
}
