import { configSchema, SECRET_CONFIG_KEYS, type StrataConfig } from './config.schema';
import { DomainError } from '../errors/domain-error';

export interface ConfigIssue {
  variable: string;
  message: string;
}

export class InvalidConfigError extends DomainError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const lines = issues.map((issue) => `  - ${issue.variable}: ${issue.message}`);
    super(
      'kernel.invalid_config',
      'invalid_argument',
      `Invalid configuration (fix these environment variables and start again):\n${lines.join('\n')}`,
      { details: { issues } },
    );
    this.issues = issues;
  }
}

/**
 * Reads and validates the environment. Empty strings count as unset, so `PORT=` in a .env file
 * means "use the default" rather than "port zero".
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): StrataConfig {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;

  const issues = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    const shown = SECRET_CONFIG_KEYS.has(variable) || input[variable] === undefined ? '' : ` (got "${input[variable]}")`;
    return { variable, message: `${issue.message}${shown}` };
  });
  throw new InvalidConfigError(issues);
}
