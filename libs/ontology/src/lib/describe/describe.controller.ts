import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize } from '@strata/governance';
import { OntologyDescriber } from './ontology-describer';

@ApiTags('ontology')
@Controller('ontology/describe')
export class DescribeController {
  constructor(private readonly describer: OntologyDescriber) {}

  /** Types, properties (with JSON Schemas), link types and action types, compact, for agents. */
  @Get()
  @Authorize('read', 'OntologyObjectType')
  describe() {
    return this.describer.describe();
  }
}
