import type { DynamicModule, Provider } from '@nestjs/common';
import { MEDIA_STORAGE_PROVIDERS } from './blob-store.provider';
import { MediaCaptioner } from './media-captioner';
import { MediaPermissions } from './media-permissions';
import { MediaController } from './media.controller';
import { MediaRepository } from './media.repository';
import { MediaService } from './media.service';

export const MEDIA_PROVIDERS: Provider[] = [...MEDIA_STORAGE_PROVIDERS, MediaPermissions, MediaRepository, MediaService, MediaCaptioner];
export const MEDIA_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [MediaController];
