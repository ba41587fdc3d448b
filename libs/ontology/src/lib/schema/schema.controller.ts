import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import {
  linkTypeDefinitionSchema,
  linkTypeUpdateSchema,
  objectTypeDefinitionSchema,
  objectTypeUpdateSchema,
  schemaChangesSchema,
  SCHEMA_LIMITS,
  type LinkTypeDefinition,
  type LinkTypeUpdate,
  type ObjectTypeDefinition,
  type ObjectTypeUpdate,
} from './property-definition';
import { SchemaService } from './schema.service';
import { TypeRefPipe } from './type-ref.pipe';

const versionsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).max(SCHEMA_LIMITS.versionMax).optional(),
});

/** Object types, link types and schema versions. Every change is a versioned schema change. */
@ApiTags('ontology')
@Controller('ontology')
export class SchemaController {
  constructor(private readonly schema: SchemaService) {}

  @Get('object-types')
  @Authorize('read', 'OntologyObjectType')
  async listObjectTypes() {
    return { items: await this.schema.listObjectTypes() };
  }

  @Post('object-types')
  @Authorize('create', 'OntologyObjectType')
  async createObjectType(@Body(new ZodValidationPipe(objectTypeDefinitionSchema)) input: ObjectTypeDefinition) {
    await this.schema.apply([{ kind: 'create_object_type', objectType: input }]);
    return this.schema.objectType(input.apiName);
  }

  @Get('object-types/:id')
  @Authorize('read', 'OntologyObjectType')
  getObjectType(@Param('id', TypeRefPipe) id: string) {
    return this.schema.objectType(id);
  }

  @Patch('object-types/:id')
  @Authorize('update', 'OntologyObjectType')
  async updateObjectType(@Param('id', TypeRefPipe) id: string, @Body(new ZodValidationPipe(objectTypeUpdateSchema)) update: ObjectTypeUpdate) {
    const type = await this.schema.objectType(id);
    await this.schema.apply([{ kind: 'update_object_type', apiName: type.apiName, update }]);
    return this.schema.objectType(type.apiName);
  }

  @Delete('object-types/:id')
  @HttpCode(204)
  @Authorize('delete', 'OntologyObjectType')
  async deleteObjectType(@Param('id', TypeRefPipe) id: string): Promise<void> {
    const type = await this.schema.objectType(id);
    await this.schema.apply([{ kind: 'delete_object_type', apiName: type.apiName }]);
  }

  @Get('link-types')
  @Authorize('read', 'OntologyLinkType')
  async listLinkTypes() {
    return { items: await this.schema.listLinkTypes() };
  }

  @Post('link-types')
  @Authorize('create', 'OntologyLinkType')
  async createLinkType(@Body(new ZodValidationPipe(linkTypeDefinitionSchema)) input: LinkTypeDefinition) {
    await this.schema.apply([{ kind: 'create_link_type', linkType: input }]);
    return this.schema.linkType(input.apiName);
  }

  @Get('link-types/:id')
  @Authorize('read', 'OntologyLinkType')
  getLinkType(@Param('id', TypeRefPipe) id: string) {
    return this.schema.linkType(id);
  }

  @Patch('link-types/:id')
  @Authorize('update', 'OntologyLinkType')
  async updateLinkType(@Param('id', TypeRefPipe) id: string, @Body(new ZodValidationPipe(linkTypeUpdateSchema)) update: LinkTypeUpdate) {
    const type = await this.schema.linkType(id);
    await this.schema.apply([{ kind: 'update_link_type', apiName: type.apiName, update }]);
    return this.schema.linkType(type.apiName);
  }

  @Delete('link-types/:id')
  @HttpCode(204)
  @Authorize('delete', 'OntologyLinkType')
  async deleteLinkType(@Param('id', TypeRefPipe) id: string): Promise<void> {
    const type = await this.schema.linkType(id);
    await this.schema.apply([{ kind: 'delete_link_type', apiName: type.apiName }]);
  }

  @Get('schema/versions')
  @Authorize('read', 'OntologyObjectType')
  versions(@Query(new ZodValidationPipe(versionsQuerySchema)) query: z.output<typeof versionsQuerySchema>) {
    return this.schema.versions(query.limit, query.before);
  }

  @Get('schema/versions/:version')
  @Authorize('read', 'OntologyObjectType')
  version(@Param('version', ParseIntPipe) version: number) {
    return this.schema.version(version);
  }

  /** Dry run: the report of what the changes would do; nothing is written. */
  @Post('schema/validate')
  @HttpCode(200)
  @Authorize('read', 'OntologyObjectType')
  validate(@Body(new ZodValidationPipe(schemaChangesSchema)) input: z.output<typeof schemaChangesSchema>) {
    return this.schema.validate(input.changes);
  }

  /** Applies several changes as one schema version (all or nothing). */
  @Post('schema/changes')
  @Authorize('read', 'OntologyObjectType')
  apply(@Body(new ZodValidationPipe(schemaChangesSchema)) input: z.output<typeof schemaChangesSchema>) {
    return this.schema.apply(input.changes, input.summary);
  }
}
