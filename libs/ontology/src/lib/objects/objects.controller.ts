import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import { SCHEMA_LIMITS } from '../schema/property-definition';
import { ValidationFailedError } from '../schema/schema.errors';
import { ObjectIdPipe } from './object-id.pipe';
import type { ObjectRecord } from './object-record';
import { ObjectsService } from './objects.service';

const propertiesSchema = z.record(z.string(), z.unknown());

export const createObjectSchema = z.object({ typeApiName: z.string().min(1).max(64), properties: propertiesSchema }).strict();
export const updateObjectSchema = z
  .object({
    /** Values to set; `null` removes a property. */
    properties: propertiesSchema,
    /** Optimistic concurrency (or the If-Match header). */
    expectedVersion: z.number().int().min(1).max(SCHEMA_LIMITS.versionMax).optional(),
  })
  .strict();

const listObjectsQuerySchema = z.object({
  type: z.string().min(1).max(64).optional(),
  /** JSON object of property equality filters, e.g. {"status":"active"}. */
  where: z
    .string()
    .max(4_096)
    .transform((text, context) => {
      try {
        const parsed = JSON.parse(text) as unknown;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      } catch {
        // reported below
      }
      context.addIssue({ code: 'custom', message: 'where must be a JSON object of property values' });
      return z.NEVER;
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
});

const getObjectQuerySchema = z.object({ includeDeleted: z.enum(['true', 'false']).default('false') });
const deleteObjectQuerySchema = z.object({ expectedVersion: z.coerce.number().int().min(1).max(SCHEMA_LIMITS.versionMax).optional() });
const historyQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  beforeVersion: z.coerce.number().int().min(1).max(SCHEMA_LIMITS.versionMax).optional(),
});
const neighbourhoodQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

/** Objects: CRUD with validation against the type, optimistic concurrency, soft delete, history and neighbourhood. */
@ApiTags('ontology')
@Controller('ontology/objects')
export class ObjectsController {
  constructor(private readonly objects: ObjectsService) {}

  @Get()
  @Authorize('read', 'OntologyObject')
  list(@Query(new ZodValidationPipe(listObjectsQuerySchema)) query: z.output<typeof listObjectsQuerySchema>) {
    return this.objects.list(query);
  }

  @Post()
  @Authorize('create', 'OntologyObject')
  async create(@Body(new ZodValidationPipe(createObjectSchema)) input: z.output<typeof createObjectSchema>, @Res({ passthrough: true }) response: HeaderSink) {
    return withEtag(await this.objects.create(input), response);
  }

  @Get(':id')
  @Authorize('read', 'OntologyObject')
  async get(
    @Param('id', ObjectIdPipe) id: string,
    @Query(new ZodValidationPipe(getObjectQuerySchema)) query: z.output<typeof getObjectQuerySchema>,
    @Res({ passthrough: true }) response: HeaderSink,
  ) {
    return withEtag(await this.objects.get(id, { includeDeleted: query.includeDeleted === 'true' }), response);
  }

  @Patch(':id')
  @Authorize('update', 'OntologyObject')
  async update(
    @Param('id', ObjectIdPipe) id: string,
    @Body(new ZodValidationPipe(updateObjectSchema)) input: z.output<typeof updateObjectSchema>,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: HeaderSink,
  ) {
    return withEtag(await this.objects.update(id, input.properties, expectedVersion(input.expectedVersion, ifMatch)), response);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('delete', 'OntologyObject')
  async delete(
    @Param('id', ObjectIdPipe) id: string,
    @Query(new ZodValidationPipe(deleteObjectQuerySchema)) query: z.output<typeof deleteObjectQuerySchema>,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.objects.delete(id, expectedVersion(query.expectedVersion, ifMatch));
  }

  @Get(':id/history')
  @Authorize('read', 'OntologyObject')
  history(@Param('id', ObjectIdPipe) id: string, @Query(new ZodValidationPipe(historyQuerySchema)) query: z.output<typeof historyQuerySchema>) {
    return this.objects.historyOf(id, query.limit, query.beforeVersion);
  }

  @Get(':id/links')
  @Authorize('read', 'OntologyObject')
  links(@Param('id', ObjectIdPipe) id: string, @Query(new ZodValidationPipe(neighbourhoodQuerySchema)) query: z.output<typeof neighbourhoodQuerySchema>) {
    return this.objects.neighbourhood(id, query.limit);
  }
}

function withEtag(object: ObjectRecord, response: HeaderSink): ObjectRecord {
  response.setHeader('ETag', `"${object.version}"`);
  return object;
}

/** `If-Match: "3"` (or W/"3", or 3) and/or `expectedVersion`; both given must agree. */
export function expectedVersion(fromBody: number | undefined, ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return fromBody;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatch.trim());
  if (!match) throw new ValidationFailedError([{ path: 'If-Match', code: 'invalid_value', message: 'If-Match must be the object version as an ETag, e.g. "3"' }], 'Invalid header');
  const version = Number(match[1]);
  if (fromBody !== undefined && fromBody !== version) {
    throw new ValidationFailedError([{ path: 'If-Match', code: 'invalid_value', message: `If-Match ${version} and expectedVersion ${fromBody} disagree` }], 'Invalid header');
  }
  return version;
}
