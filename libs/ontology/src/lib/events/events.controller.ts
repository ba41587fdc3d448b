import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import { EventsService } from './events.service';

const eventsQuerySchema = z.object({
  /** The last sequence already processed (0 or absent: from the start). */
  after: z
    .string()
    .regex(/^\d{1,19}$/, 'after is a sequence number')
    .default('0')
    .transform((text) => BigInt(text)),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

@ApiTags('ontology')
@Controller('ontology/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  /** The durable change feed, read by cursor: `?after=<sequence>&limit=`; answer `{items, nextCursor}`. */
  @Get()
  @Authorize('read', 'OntologyEvent')
  list(@Query(new ZodValidationPipe(eventsQuerySchema)) query: z.output<typeof eventsQuerySchema>) {
    return this.events.after(query.after, query.limit);
  }
}
