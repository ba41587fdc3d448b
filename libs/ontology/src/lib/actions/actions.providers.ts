import { ActionCatalogue } from './action-catalogue';
import { ActionReverter } from './action-reverter';
import { ActionLogRepository } from './action-log.repository';
import { ActionPermissions } from './action-permissions';
import { ActionTypesRepository } from './action-types.repository';
import { ActionTypesService } from './action-types.service';
import { ActionLogController, ActionTypesController } from './actions.controller';
import { ActionsService } from './actions.service';
import { EffectsExecutor } from './effects-executor';
import { WebhookDispatcher } from './webhook-dispatcher';

export const ACTION_PROVIDERS = [
  ActionPermissions,
  ActionTypesRepository,
  ActionLogRepository,
  ActionTypesService,
  EffectsExecutor,
  ActionReverter,
  WebhookDispatcher,
  ActionsService,
  ActionCatalogue,
];

export const ACTION_CONTROLLERS = [ActionTypesController, ActionLogController];
