import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Prisma } from '@strata/db';
import { AuthorizationService } from '@strata/governance';
import { ActionDescriptionRegistry, type ActionTypeDescription } from '../describe/action-description-registry';
import { parametersJsonSchema } from './action-parameters';
import type { Effect } from './action-type-definition';
import { definitionOf } from './action-type-view';
import { ActionTypesRepository } from './action-types.repository';

/** Effects in words, for agents deciding whether to call an action. */
export function describeEffect(effect: Effect): string {
  switch (effect.kind) {
    case 'createObject':
      return `creates ${effect.objectType}`;
    case 'modifyObject':
      return `modifies ${Object.keys(effect.properties).join(', ') || 'nothing'} of ${effect.object}`;
    case 'deleteObject':
      return `deletes ${effect.object}`;
    case 'createLink':
      return `links ${effect.from} to ${effect.to} (${effect.linkType})`;
    case 'deleteLink':
      return `unlinks ${effect.from} from ${effect.to} (${effect.linkType})`;
    case 'webhook':
      return `calls webhook ${new URL(effect.url).host}`;
    case 'emitEvent':
      return `emits event ${effect.eventType}`;
  }
}

/** The action types of the self-description (`GET /ontology/describe`): those the caller may read. */
@Injectable()
export class ActionCatalogue implements OnModuleInit {
  constructor(
    private readonly registry: ActionDescriptionRegistry,
    private readonly types: ActionTypesRepository,
    private readonly authorization: AuthorizationService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async describeActionTypes(): Promise<ActionTypeDescription[]> {
    const access = (await this.authorization.accessibleWhere('read', 'OntologyActionType')) as Prisma.OntologyActionTypeWhereInput;
    const rows = await this.types.list(access, 1000);
    return rows.map((row) => {
      const definition = definitionOf(row);
      return {
        apiName: row.apiName,
        displayName: row.displayName,
        description: row.description,
        parametersSchema: parametersJsonSchema(definition.parameters),
        requiresApproval: definition.approval !== null,
        effects: definition.effects.map(describeEffect),
      };
    });
  }
}
