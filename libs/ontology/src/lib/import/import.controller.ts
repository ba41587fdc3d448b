import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import { IMPORT_LIMITS, ImportService } from './import.service';

export const importRequestSchema = z
  .object({
    typeApiName: z.string().min(1).max(64),
    mode: z.enum(['create', 'upsert']).default('create'),
    format: z.enum(['json', 'csv']),
    rows: z.array(z.record(z.string(), z.unknown())).max(IMPORT_LIMITS.rows).optional(),
    csv: z.string().optional(),
  })
  .strict()
  .refine((input) => (input.format === 'json' ? input.rows !== undefined && input.csv === undefined : input.csv !== undefined && input.rows === undefined), {
    message: 'format json takes rows (an array of objects), format csv takes csv (the text, header row of property apiNames)',
    path: ['format'],
  });

const importQuerySchema = z.object({ dryRun: z.enum(['true', 'false']).default('false') });

@ApiTags('ontology')
@Controller('ontology/import')
export class ImportController {
  constructor(private readonly imports: ImportService) {}

  /** Bulk import (all or nothing). `?dryRun=true` validates every row and writes nothing. */
  @Post()
  @HttpCode(200)
  @Authorize('create', 'OntologyObject')
  run(
    @Query(new ZodValidationPipe(importQuerySchema)) query: z.output<typeof importQuerySchema>,
    @Body(new ZodValidationPipe(importRequestSchema)) input: z.output<typeof importRequestSchema>,
  ) {
    return this.imports.import(input, query.dryRun === 'true');
  }
}
