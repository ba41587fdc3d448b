import { forwardRef, Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@strata/kernel';
import { ModelGateway } from '@strata/model-gateway';
import { CollectionsService } from '../collections/collections.service';
import { DocumentsService } from '../ingestion/documents.service';
import type { DocumentRecord } from '../vectors.contract';
import { MEDIA_LIMITS } from './media-options';
import { IMAGE_MEDIA_TYPES, isImageType } from './media-type-sniffer';
import { ImageTooLargeForCaptionError, NotAnImageError } from './media.errors';
import { MediaService, type MediaView } from './media.service';
import { VectorsError } from '../vectors.errors';

export interface CaptionRequest {
  /** A chat alias or catalog model; default: the tenant's default chat alias. It must accept images. */
  model?: string;
  /** Also ingest the caption into this collection (format `image_caption`), so it is searchable by text. */
  collectionId?: string;
}

export interface CaptionResult {
  media: MediaView;
  document: (DocumentRecord & { unchanged: boolean }) | null;
  route: { alias?: string; catalogModel: string; providerName: string };
}

const CAPTION_INSTRUCTIONS =
  'You write captions for an image search index. Describe the image factually in at most five sentences: the main subjects, ' +
  'their setting and any legible text. Do not speculate about identities. Answer with the description only.';

/**
 * Multimodal: an image of the media store described by a vision-capable model through the model
 * gateway (routing drops models without vision; none left is the gateway's clear error). The
 * caption is stored on the media record and, when a collection is named, ingested as a document
 * so that a text search finds the image.
 */
@Injectable()
export class MediaCaptioner {
  constructor(
    private readonly media: MediaService,
    private readonly gateway: ModelGateway,
    @Inject(forwardRef(() => DocumentsService)) private readonly documents: DocumentsService,
    @Inject(forwardRef(() => CollectionsService)) private readonly collections: CollectionsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async caption(id: string, request: CaptionRequest): Promise<CaptionResult> {
    const row = await this.media.readable(id);
    await this.media.authorizeUpdate(row, ['caption']);
    if (!isImageType(row.contentType)) throw new NotAnImageError(id, row.contentType, IMAGE_MEDIA_TYPES);
    if (Number(row.sizeBytes) > MEDIA_LIMITS.captionImageBytes) throw new ImageTooLargeForCaptionError(Number(row.sizeBytes), MEDIA_LIMITS.captionImageBytes);
    // An unknown or unreadable collection fails before the model is paid for.
    if (request.collectionId) await this.collections.readable(request.collectionId);

    const { bytes } = await this.media.readContent(id, MEDIA_LIMITS.captionImageBytes);
    const result = await this.gateway.chat({
      model: request.model,
      messages: [
        { role: 'system', content: CAPTION_INSTRUCTIONS },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe this image.' },
            { type: 'image', mediaType: row.contentType, data: bytes.toString('base64') },
          ],
        },
      ],
      maxOutputTokens: MEDIA_LIMITS.captionMaxOutputTokens,
      temperature: 0,
    });
    const text = result.response.text.trim();
    if (!text) throw new VectorsError('vectors.caption_empty', 'bad_gateway', `The model ${result.route.catalogModel} returned no caption; try again or name another model.`);

    const media = await this.media.saveCaption(id, { text, model: result.route.catalogModel, at: this.clock.now() });
    const document = request.collectionId
      ? await this.documents.ingestText({
          collectionId: request.collectionId,
          name: media.filename,
          format: 'image_caption',
          text,
          mediaId: id,
          metadata: { mediaId: id, contentType: media.contentType, captionModel: result.route.catalogModel },
        })
      : null;
    return { media, document, route: { alias: result.route.alias, catalogModel: result.route.catalogModel, providerName: result.route.providerName } };
  }
}
