/** The model gateway's permission subjects (as the API registers them in its PermissionCatalog). */
export const GATEWAY_SUBJECTS = {
  provider: 'ModelProvider',
  model: 'CatalogModel',
  alias: 'ModelAlias',
  settings: 'GatewaySettings',
  budget: 'Budget',
  usage: 'ModelUsage',
  guardrail: 'GuardrailRule',
  /** Calling a model (the playground, /v1): action `invoke`. */
  invoke: 'Model',
} as const;
