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
  if (result.success) {
    const crossIssues = crossFieldIssues(result.data);
    if (crossIssues.length > 0) throw new InvalidConfigError(crossIssues);
    return result.data;
  }

  const issues = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    const shown = SECRET_CONFIG_KEYS.has(variable) || input[variable] === undefined ? '' : ` (got "${input[variable]}")`;
    return { variable, message: `${issue.message}${shown}` };
  });
  throw new InvalidConfigError(issues);
}

/** Rules between variables, which the per-variable schema cannot state. */
function crossFieldIssues(config: StrataConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.STRATA_API_WORKERS > 1 && !config.DATABASE_URL) {
    issues.push({
      variable: 'STRATA_API_WORKERS',
      message: `must be 1 on the embedded database (got "${config.STRATA_API_WORKERS}"): it lives inside one process. Set DATABASE_URL to a PostgreSQL server to run several API workers.`,
    });
  }
  return issues;
}
