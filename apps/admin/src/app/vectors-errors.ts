import { ApiError } from '../api/api-client';
import type { NextStep } from './model-gateway-errors';
import { gatewayNextStep } from './model-gateway-errors';

/**
 * What to do after a refusal of the vectors API, by its stable code (`vectors.…`) or, for the
 * gateway's codes (the embedding or vision model), the gateway's next step.
 */
export function vectorsNextStep(error: unknown): NextStep | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if (error.code.startsWith('model-gateway.')) return gatewayNextStep(error);
  const code = error.code.replace(/^vectors\./, '');
  switch (code) {
    case 'dimension_mismatch':
      return { text: 'Set the dimensions to what the alias’s model returns (384 for the built-in local model), or choose another alias.' };
    case 'media_too_large':
      return { text: 'The file is over the upload limit: split it, or ask the operator to raise the limit.' };
    case 'unsupported_media_type':
      return { text: 'Upload text, Markdown, HTML or PDF (or PNG, JPEG, GIF, WebP images); the file’s bytes decide its type, not its name.' };
    case 'extraction_failed':
      return { text: 'The file could not be read: check it opens, then upload a corrected copy.' };
    case 'not_an_image':
      return { text: 'Only images can be described.' };
    case 'collection_not_empty':
    case 'collection_has_documents':
      return { text: 'Delete its documents first, or create a new collection with the other embedding settings.' };
    default:
      break;
  }
  switch (error.status) {
    case 404:
      return { text: 'It may have been deleted: reload the list.' };
    case 409:
      return { text: 'Someone else changed it meanwhile, or it conflicts with what exists: reload, then redo your change.' };
    case 413:
      return { text: 'The file is over the upload limit.' };
    case 415:
      return { text: 'This file type is not accepted.' };
    case 429:
      return { text: 'Too many requests: wait a moment and retry.' };
    case 503:
      return { text: 'The platform is busy or restarting: retry shortly.' };
    default:
      return undefined;
  }
}
