import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize } from '@strata/governance';
import { OntologyQueriesService } from './ontology-queries.service';

/** Graph queries over objects; the service validates and bounds them, and filters by the caller's read rules. */
@ApiTags('ontology')
@Controller('ontology')
export class QueriesController {
  constructor(private readonly queries: OntologyQueriesService) {}

  @Post('query')
  @HttpCode(200)
  @Authorize('read', 'OntologyObject')
  query(@Body() body: unknown) {
    return this.queries.query(body);
  }

  @Post('traverse')
  @HttpCode(200)
  @Authorize('read', 'OntologyObject')
  traverse(@Body() body: unknown) {
    return this.queries.traverse(body);
  }

  @Post('aggregate')
  @HttpCode(200)
  @Authorize('read', 'OntologyObject')
  aggregate(@Body() body: unknown) {
    return this.queries.aggregate(body);
  }

  /** `?q=words&type=Customer&limit=20` */
  @Get('search')
  @Authorize('read', 'OntologyObject')
  search(@Query() query: unknown) {
    return this.queries.search(query);
  }
}
