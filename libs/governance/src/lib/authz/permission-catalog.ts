import { Injectable } from '@nestjs/common';
import type { PolicyRule } from '../policies/policy-rule';
import { BUILT_IN_RULES, OBSERVABILITY_SUBJECTS } from './built-in-roles';
import { GOVERNANCE_SUBJECTS } from './subjects';

/**
 * What can be authorized: the subjects each layer owns, which of them carry a data
 * `classification`, and the built-in roles' rules. Layers register theirs at module init, so
 * governance never imports a higher layer.
 */
@Injectable()
export class PermissionCatalog {
  private readonly subjects = new Set<string>([...GOVERNANCE_SUBJECTS, ...OBSERVABILITY_SUBJECTS]);
  private readonly classified = new Set<string>();
  private readonly rules: PolicyRule[] = [...BUILT_IN_RULES];

  register(contribution: { subjects: string[]; classifiedSubjects?: string[]; rules?: PolicyRule[] }): void {
    for (const subject of contribution.subjects) this.subjects.add(subject);
    for (const subject of contribution.classifiedSubjects ?? []) this.classified.add(subject);
    this.rules.push(...(contribution.rules ?? []));
  }

  knownSubjects(): ReadonlySet<string> {
    return this.subjects;
  }

  classifiedSubjects(): readonly string[] {
    return [...this.classified];
  }

  builtInRules(): readonly PolicyRule[] {
    return this.rules;
  }
}
