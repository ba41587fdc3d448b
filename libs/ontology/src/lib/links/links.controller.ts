import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import { LinkIdPipe } from './link-id.pipe';
import { LinksService } from './links.service';

export const createLinkSchema = z
  .object({
    linkTypeApiName: z.string().min(1).max(64),
    fromId: z.uuid(),
    toId: z.uuid(),
    properties: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

@ApiTags('ontology')
@Controller('ontology/links')
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @Post()
  @Authorize('create', 'OntologyLink')
  create(@Body(new ZodValidationPipe(createLinkSchema)) input: z.output<typeof createLinkSchema>) {
    return this.links.create(input);
  }

  @Get(':id')
  @Authorize('read', 'OntologyLink')
  get(@Param('id', LinkIdPipe) id: string) {
    return this.links.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('delete', 'OntologyLink')
  async delete(@Param('id', LinkIdPipe) id: string): Promise<void> {
    await this.links.delete(id);
  }
}
